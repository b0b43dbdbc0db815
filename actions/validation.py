"""Pure validation and normalisation of the lead profile's answers (no Rasa imports, testable anywhere).

Each `parse_*` function returns the canonical value, or None when the answer is not acceptable.
Canonical values are stable English keys; the adapter's catalogs turn them into words.
"""

from __future__ import annotations

import re
import unicodedata

from actions import japanese
from contract.profile import (
    EDUCATION,
    FIELDS,
    JAPANESE_LEVELS,
    MAX_AGE,
    MAX_EXPERIENCE,
    MIN_AGE,
    PROFILE_FIELDS,
    SSW_FIELDS,
)

__all__ = ["EDUCATION", "FIELDS", "JAPANESE_LEVELS", "PROFILE_FIELDS", "SSW_FIELDS"]


_DIGITS = str.maketrans(
    {**{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)}}
)
_NUMBER = re.compile(r"\d{1,3}")


# Typed answers people give, in English, Roman Urdu and Urdu script, mapped to the canonical keys.
_EDUCATION_WORDS = {
    "none": ("none", "no education", "koi nahi", "kuch nahi", "ان پڑھ", "کوئی نہیں"),
    "primary": ("primary", "middle", "8th", "پرائمری", "مڈل"),
    "matric": ("matric", "matriculation", "ssc", "10th", "o level", "o-level", "میٹرک"),
    "intermediate": (
        "intermediate",
        "inter",
        "fa",
        "fsc",
        "f.sc",
        "ics",
        "i.com",
        "icom",
        "hssc",
        "a level",
        "a-level",
        "12th",
        "انٹر",
        "ایف اے",
        "ایف ایس سی",
    ),
    "diploma": ("diploma", "dae", "technical", "tevta", "ڈپلومہ", "ڈی اے ای"),
    "bachelor": (
        "bachelor",
        "bachelors",
        "graduate",
        "graduation",
        "ba",
        "bsc",
        "b.sc",
        "bs",
        "bscs",
        "bs cs",
        "be",
        "bachelor's",
        "bcom",
        "b.com",
        "bba",
        "b.e",
        "degree",
        "بیچلر",
        "گریجویٹ",
        "بی اے",
        "بی ایس",
    ),
    "master": (
        "master",
        "masters",
        "ms",
        "mphil",
        "m.phil",
        "msc",
        "m.sc",
        "mba",
        "ma",
        "phd",
        "master's",
        "ماسٹر",
        "ایم اے",
        "ایم ایس",
    ),
}
_FIELD_WORDS = {
    "it": ("it", "software", "computer", "programming", "developer", "web", "آئی ٹی", "سافٹ ویئر", "کمپیوٹر"),
    "nursing_care": ("nursing", "caregiver", "care", "care worker", "نرسنگ", "کیئر"),
    "building_cleaning": ("cleaning", "building cleaning", "صفائی"),
    "manufacturing": ("manufacturing", "factory", "industrial", "machining", "فیکٹری", "مینوفیکچرنگ"),
    "construction": ("construction", "builder", "mason", "تعمیرات", "کنسٹرکشن"),
    "shipbuilding": ("shipbuilding", "ship", "جہاز سازی"),
    "automobile_repair": ("automobile repair", "mechanic", "car repair", "auto repair", "مکینک"),
    "aviation": ("aviation", "airport", "aircraft", "ہوا بازی"),
    "accommodation": ("accommodation", "hotel", "ہوٹل"),
    "agriculture": ("agriculture", "farming", "farm", "kheti", "زراعت", "کھیتی"),
    "fishery": ("fishery", "fishing", "aquaculture", "ماہی گیری"),
    "food_manufacturing": ("food manufacturing", "food and beverage manufacturing", "food factory", "فوڈ مینوفیکچرنگ"),
    "food_service": ("food service", "restaurant", "cook", "chef", "ریسٹورنٹ", "فوڈ سروس"),
    "automobile_transport": ("driver", "driving", "transport", "truck", "bus", "taxi", "ڈرائیور", "ڈرائیونگ"),
    "railway": ("railway", "train", "ریلوے"),
    "forestry": ("forestry", "forest", "جنگلات"),
    "wood_industry": ("wood", "wood industry", "carpenter", "لکڑی", "بڑھئی"),
    "other": ("other", "something else", "کچھ اور", "دیگر"),
}
_NONE_WORDS = ("none", "no", "nothing", "zero", "nahi", "bilkul nahi", "کوئی نہیں", "نہیں")
# Words that are a request to the assistant, never a person's name or a town (a stray "help" or "stop").
_REQUEST_WORDS = (
    "help|menu|start|stop|cancel|quit|exit|apply|delete|language|mydata|hi|hello|hey|salam|assalam o alaikum|"
    "thanks|thank you|shukriya|ok|okay|yes|no|haan|nahi|jee|ji|band karo|bas|continue|start over|back|"
    "ہاں|نہیں|جی|شکریہ|سلام|مدد|بند کرو|رہنے دیں|بس"
)
_NOT_A_NAME = frozenset(_REQUEST_WORDS.split("|"))
_YES = ("yes", "y", "haan", "han", "ha", "ji", "jee", "ji haan", "hai", "ہاں", "جی", "جی ہاں", "ہے")
_NO = ("no", "n", "nahi", "nahin", "nai", "na", "نہیں", "جی نہیں", "نہیں ہے")


# A clear yes to the consent text names a yes: the classifier alone also calls "abc" or "???" an affirm.
_CLEAR_YES = re.compile(
    r"(?<!\w)(yes|yeah|yep|yup|sure|ok|okay|agree|agreed|accept|consent|of course|absolutely|definitely|fine|"
    r"haan|han|ha|haa|ji|jee|g|hanji|bilkul|theek|thik|zaroor|zarur|manzoor|razi|raazi|"
    r"ہاں|جی|بالکل|ٹھیک|منظور|متفق|راضی|ضرور|اوکے|یس)(?!\w)"
)
_NOT_YES = re.compile(r"(?<!\w)(no|not|don't|dont|nahi|nahin|nai|na|mat|نہیں|نہ|مت)(?!\w)")


def is_clear_yes(text: str) -> bool:
    """True for an agreement that says yes in words ("haan ji", "I agree", "جی ہاں") or the old /affirm button."""
    answer = _clean(text)
    if answer == "/affirm":
        return True
    return bool(_CLEAR_YES.search(answer)) and not _NOT_YES.search(answer)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    return re.sub(r"\s+", " ", text).strip().strip(".!?؟،,").lower()


def _lookup(text: str, table: dict[str, tuple[str, ...]], keys: tuple[str, ...]) -> str | None:
    answer = _clean(text)
    if answer in keys:
        return answer
    for key, words in table.items():
        if answer in words:
            return key
    # A longer answer that names exactly one option ("I did BSCS from UET") counts too.
    hits = {
        key
        for key, words in table.items()
        for word in words
        if len(word) > 2 and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", answer)
    }
    return hits.pop() if len(hits) == 1 else None


def parse_name(text: str) -> str | None:
    """A person's name: 2-60 characters of letters, spaces, dots, apostrophes and hyphens."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    if not 2 <= len(name) <= 60 or name.startswith("/") or _clean(name) in _NOT_A_NAME:
        return None
    if not all(ch.isalpha() or ch in " .'-" or unicodedata.category(ch).startswith("M") for ch in name):
        return None
    return name


def parse_phone(text: str) -> str | None:
    """A phone number in E.164 (+923001234567); Pakistani local forms (0300..., 92300...) are converted."""
    raw = _clean(text)
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+?\d{7,15}", digits):
        return None
    if digits.startswith("+"):
        number = digits
    elif digits.startswith("03") and len(digits) == 11:
        number = "+92" + digits[1:]
    elif digits.startswith("923") and len(digits) == 12:
        number = "+" + digits
    elif digits.startswith("3") and len(digits) == 10:
        number = "+92" + digits
    else:
        return None
    if number.startswith("+92"):
        # Pakistani mobiles: +92 3xx xxxxxxx (10 digits after the country code); landlines 9-10 digits.
        national = number[3:]
        if not (len(national) == 10 and national.startswith("3")) and not (9 <= len(national) <= 10):
            return None
    return number if 8 <= len(number) - 1 <= 15 else None


def parse_city(text: str) -> str | None:
    """A city or town name: 2-40 letters (any script)."""
    city = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().strip(".")
    if _clean(city) in _NOT_A_NAME:
        return None
    if not 2 <= len(city) <= 40 or not all(
        ch.isalpha() or ch in " -'" or unicodedata.category(ch).startswith("M") for ch in city
    ):
        return None
    return city.title() if city.isascii() else city


def parse_age(text: str) -> int | None:
    """Age in years, 16 to 60, from the first number in the answer."""
    match = _NUMBER.search(_clean(text))
    if not match:
        return None
    age = int(match.group(0))
    return age if MIN_AGE <= age <= MAX_AGE else None


def parse_experience(text: str) -> int | None:
    """Years of work experience, 0 to 45; "none" counts as 0."""
    answer = _clean(text)
    if answer in _NONE_WORDS or answer in ("fresh", "fresher", "fresh graduate", "کوئی نہیں"):
        return 0
    match = _NUMBER.search(answer)
    if not match:
        return None
    years = int(match.group(0))
    return years if 0 <= years <= MAX_EXPERIENCE else None


# A degree still being studied is not a degree (audit M-6): "BSCS 6th semester", "bachelor in progress",
# "graduate nahi". Such an answer is asked again with the buttons, so the highest finished level is picked.
_UNFINISHED = re.compile(
    r"(?<!\w)(semester|in progress|ongoing|studying|student|final year|\d(st|nd|rd|th) year|nahi|nahin|nai|"
    r"not yet|not completed|incomplete|جاری|نہیں|سمسٹر)(?!\w)"
)


def parse_education(text: str) -> str | None:
    """Highest education finished, as one of EDUCATION (an unfinished degree is no answer)."""
    key = _lookup(text, _EDUCATION_WORDS, EDUCATION)
    if key in ("bachelor", "master") and _clean(text) not in EDUCATION and _UNFINISHED.search(_clean(text)):
        return None
    return key


def parse_field(text: str) -> str | None:
    """Field of interest as one of FIELDS."""
    return _lookup(text, _FIELD_WORDS, FIELDS)


def parse_japanese_level(text: str) -> str | None:
    """The Japanese test result the user has passed, as one of JAPANESE_LEVELS (see actions/japanese.py)."""
    return japanese.parse_japanese_level(text)


def parse_yes_no(text: str) -> bool | None:
    """True for yes, False for no, None if unclear."""
    answer = _clean(text)
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    return None
