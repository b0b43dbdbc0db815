"""Catalogs and language choice: which language a reply is in, and the translation into it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
# Order matters: it is the order the language menu shows.
KNOWN_LANGUAGES = ("en", "ur", "ur_Latn")
LANGUAGE_NAMES = {"en": "English", "ur": "اردو", "ur_Latn": "Roman Urdu"}

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z]")
_WORD = re.compile(r"[a-z]+")
# Words that are common in Roman Urdu chat and are not (common) English words. "main", "me", "ha"
# are left out on purpose: they are English too.
_ROMAN_URDU_MARKERS = frozenset(
    [
        "hai",
        "hain",
        "hy",
        "hay",
        "kya",
        "kia",
        "kiya",
        "mein",
        "mai",
        "mujhe",
        "mujhy",
        "mjhe",
        "muje",
        "hum",
        "ap",
        "aap",
        "apka",
        "apki",
        "aapka",
        "aapki",
        "ka",
        "ki",
        "ke",
        "ko",
        "se",
        "sy",
        "kaise",
        "kese",
        "kaisay",
        "kesay",
        "kaisy",
        "kitna",
        "kitne",
        "kitni",
        "kitny",
        "kahan",
        "kidhar",
        "kyun",
        "kiun",
        "kyon",
        "kab",
        "kon",
        "kaun",
        "konsa",
        "konsi",
        "kaunsa",
        "kaunsi",
        "nahi",
        "nahin",
        "nai",
        "naheen",
        "chahiye",
        "chahye",
        "chahta",
        "chahti",
        "chahiye",
        "sakta",
        "sakti",
        "sakte",
        "skta",
        "hun",
        "hoon",
        "hu",
        "karna",
        "krna",
        "karun",
        "karon",
        "karen",
        "krein",
        "karein",
        "jana",
        "jaana",
        "jaun",
        "jayen",
        "jaen",
        "milega",
        "milegi",
        "milay",
        "mile",
        "batao",
        "bataen",
        "bataein",
        "bata",
        "btao",
        "yar",
        "yaar",
        "bhai",
        "shukriya",
        "shukria",
        "meherbani",
        "salam",
        "assalam",
        "walaikum",
        "alaikum",
        "khuda",
        "hafiz",
        "allah",
        "theek",
        "thik",
        "acha",
        "achha",
        "accha",
        "naukri",
        "nokri",
        "nokari",
        "zaroori",
        "zaruri",
        "zuban",
        "zaban",
        "zubaan",
        "tankhwah",
        "tankhuwa",
        "tankhah",
        "kharcha",
        "paise",
        "paisay",
        "wala",
        "wali",
        "wale",
        "liye",
        "liey",
        "sath",
        "saath",
        "bhi",
        "abhi",
        "agar",
        "lekin",
        "magar",
        "aur",
        "ya",
        "jee",
        "haan",
        "han",
        "bilkul",
    ]
)


@dataclass(frozen=True)
class Catalogs:
    """The compiled catalogs of every available reply language."""

    translations: dict[str, NullTranslations]

    @classmethod
    def load(cls, locales_dir: Path) -> Catalogs:
        """Load `<locales_dir>/<lang>/LC_MESSAGES/messages.mo` for each known language that has one."""
        translations: dict[str, NullTranslations] = {SOURCE_LANGUAGE: NullTranslations()}
        for language in KNOWN_LANGUAGES:
            if language == SOURCE_LANGUAGE:
                continue
            mo_file = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if mo_file.is_file():
                translations[language] = Translations.load(str(locales_dir), [language], DOMAIN)
            else:
                log.warning("no compiled catalog for %s at %s; run `make i18n`", language, mo_file)
        return cls(translations)

    @property
    def languages(self) -> tuple[str, ...]:
        """Available reply languages, in menu order."""
        return tuple(lang for lang in KNOWN_LANGUAGES if lang in self.translations)

    def gettext(self, language: str, message: str) -> str:
        """Translate an English source string; unknown strings come back unchanged."""
        translations = self.translations.get(language) or self.translations[SOURCE_LANGUAGE]
        return translations.gettext(message)


# Greetings and fillers that Pakistanis use in English too ("salam bhai, how do I apply?"): they show no
# language on their own, so a few of them keep an English message English.
_NEUTRAL_WORDS = frozenset(
    [
        "salam", "salaam", "assalam", "asalam", "assalamualaikum", "aoa", "o", "alaikum", "alaykum", "walaikum",
        "bhai", "bhaijan", "bhaiya", "yaar", "yar", "bro", "ji", "jee", "janab", "sir", "allah", "hafiz", "khuda",
        "inshallah", "inshaallah", "insha", "mashallah", "mashaallah", "jazakallah", "alhamdulillah", "shukriya",
        "shukria", "please", "plz", "pls", "ok", "okay", "acha", "achha", "accha", "theek", "thik",
    ]
)
# Common English function words, counted against the Roman Urdu markers.
_ENGLISH_WORDS = frozenset(
    [
        "the", "a", "an", "is", "are", "am", "was", "were", "be", "been", "what", "how", "which", "where", "when",
        "why", "who", "i", "my", "you", "your", "we", "our", "they", "their", "he", "she", "it", "this", "that",
        "these", "there", "can", "could", "should", "would", "will", "do", "does", "did", "have", "has", "had",
        "of", "for", "in", "on", "at", "with", "and", "or", "but", "if", "from", "about", "any", "not", "no", "need",
        "want", "get", "go", "work", "job", "much", "many", "long", "after", "before", "than", "also", "just",
        "tell", "me", "to", "so", "still",
    ]
)


def detect_language(text: str) -> str | None:
    """Guess the language a message is written in: "ur", "ur_Latn", "en", or None if it cannot tell.

    Urdu script wins when it is at least half of the letters. Latin text is Roman Urdu when its Roman Urdu
    words are at least as many as its English function words; greetings such as "salam", "bhai", "yaar" or
    "InshaAllah" count for neither, so an English question with a few of them stays English.
    """
    arabic = len(_ARABIC_SCRIPT.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic and arabic >= latin:
        return "ur"
    words = _WORD.findall(text.lower())
    meaningful = [word for word in words if word not in _NEUTRAL_WORDS]
    if not meaningful:
        # Only greetings ("salam bhai", "Assalam o alaikum"): Roman Urdu if they are Urdu greetings.
        return "ur_Latn" if any(word in _ROMAN_URDU_MARKERS for word in words) else None
    roman = sum(word in _ROMAN_URDU_MARKERS for word in meaningful)
    english = sum(word in _ENGLISH_WORDS for word in meaningful)
    if roman and roman >= english:
        return "ur_Latn"
    if len(words) >= 2 or (words and len(words[0]) > 3):
        return "en"
    return None


def choose_language(
    chosen: str | None, text: str, previous: str | None, hint: str | None, available: tuple[str, ...], default: str
) -> str:
    """The reply language: an explicit choice, else what the message is written in, else what came before."""
    if chosen in available:
        return chosen
    detected = detect_language(text)
    if detected == "ur_Latn" and detected not in available:
        detected = "ur" if previous == "ur" else SOURCE_LANGUAGE
    if detected in available:
        return detected
    if previous in available:
        return previous
    if hint and hint.lower().startswith("ur") and "ur" in available:
        return "ur"
    return default if default in available else SOURCE_LANGUAGE
