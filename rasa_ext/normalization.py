"""Pure text normalisation for Urdu script and Roman Urdu (no Rasa imports, so it is testable anywhere)."""

from __future__ import annotations

import re
import unicodedata

# Arabic letter forms that Urdu keyboards and copy-pasted text produce, mapped to the Urdu forms.
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Farsi/Urdu yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
        "\u0647": "\u06c1",  # ه Arabic heh -> ہ heh goal
        "\u06d5": "\u06c1",  # ە ae -> ہ
        "\u0629": "\u06c3",  # ة teh marbuta -> ۃ
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u06c0": "\u06c1\u0654",  # ۀ -> ہ + hamza above (normalised again below)
    }
)

# Eastern Arabic-Indic (Urdu) and Arabic-Indic digits -> ASCII digits.
_DIGITS = str.maketrans(
    {**{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)}}
)

# Harakat / diacritics that change nothing for classification (zabar, zer, pesh, tashdeed, jazm, etc.).
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
# Zero-width and directional marks; ZWNJ is turned into nothing so "کون‌سی" == "کونسی".
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u061c]")
_TATWEEL = "\u0640"
# Urdu punctuation -> ASCII so tokenisers split on it.
_PUNCT = str.maketrans({"\u061f": "?", "\u060c": ",", "\u06d4": ".", "\u061b": ";", "\u066a": "%"})
_SPACES = re.compile(r"\s+")

# Two-word spellings that Urdu writers also join (or the reverse): one canonical joined form.
_JOINED = {
    "کون سی": "کونسی",
    "کون سا": "کونسا",
    "کون سے": "کونسے",
    "کس طرح": "کسطرح",
    "کے لئے": "کے لیے",
    "لئے": "لیے",
}
_JOINED_RE = re.compile("|".join(re.escape(k) for k in sorted(_JOINED, key=len, reverse=True)))
# Latin text: letters repeated three or more times ("heyyyy", "pleaseeee") are folded to two.
_REPEATS = re.compile(r"([a-z])\1{2,}")


def normalize(text: str) -> str:
    """Return one canonical form of a user message for classification."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_LETTERS)
    text = unicodedata.normalize("NFC", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_DIGITS).translate(_PUNCT)
    text = _JOINED_RE.sub(lambda m: _JOINED[m.group(0)], text)
    text = text.lower()
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()
