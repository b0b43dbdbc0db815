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
_NONE_WORDS = (
    "none",
    "no",
    "nothing",
    "zero",
    "nahi",
    "nahin",
    "bilkul nahi",
    "koi nahi",
    "koi nahin",
    "kuch nahi",
    "no experience",
    "sifar",
    "کوئی نہیں",
    "نہیں",
    "کچھ نہیں",
)
# Numbers written as words (English, Roman Urdu, Urdu script), for ages and years: "do saal", "bees", "بیس".
_NUMBER_WORDS = {
    **dict.fromkeys(("one", "ek", "aik", "ایک"), 1),
    **dict.fromkeys(("two", "do", "دو"), 2),
    **dict.fromkeys(("three", "teen", "tin", "تین"), 3),
    **dict.fromkeys(("four", "char", "chaar", "چار"), 4),
    **dict.fromkeys(("five", "panch", "paanch", "پانچ"), 5),
    **dict.fromkeys(("six", "chay", "chhe", "chhay", "چھ"), 6),
    **dict.fromkeys(("seven", "saat", "سات"), 7),
    **dict.fromkeys(("eight", "aath", "ath", "آٹھ"), 8),
    **dict.fromkeys(("nine", "nau", "نو"), 9),
    **dict.fromkeys(("ten", "das", "dus", "دس"), 10),
    **dict.fromkeys(("eleven", "gyarah", "gyara", "گیارہ"), 11),
    **dict.fromkeys(("twelve", "barah", "bara", "بارہ"), 12),
    **dict.fromkeys(("fifteen", "pandrah", "pandra", "پندرہ"), 15),
    **dict.fromkeys(("sixteen", "solah", "sola", "سولہ"), 16),
    **dict.fromkeys(("seventeen", "satrah", "satra", "سترہ"), 17),
    **dict.fromkeys(("eighteen", "atharah", "athara", "اٹھارہ"), 18),
    **dict.fromkeys(("nineteen", "unees", "unnees", "unnis", "انیس"), 19),
    **dict.fromkeys(("twenty", "bees", "بیس"), 20),
    **dict.fromkeys(("ikkees", "ikees", "اکیس"), 21),
    **dict.fromkeys(("bais", "baees", "بائیس"), 22),
    **dict.fromkeys(("teis", "tees", "تیئس", "تئیس"), 23),
    **dict.fromkeys(("chaubees", "chobees", "چوبیس"), 24),
    **dict.fromkeys(("pachees", "pachis", "پچیس"), 25),
    **dict.fromkeys(("chhabbees", "chabees", "چھبیس"), 26),
    **dict.fromkeys(("sattais", "satais", "ستائیس"), 27),
    **dict.fromkeys(("athais", "athaees", "اٹھائیس"), 28),
    **dict.fromkeys(("untees", "unatees", "انتیس"), 29),
    **dict.fromkeys(("thirty", "تیس"), 30),
    **dict.fromkeys(("forty", "chalees", "chalis", "چالیس"), 40),
}
# Words around a number that do not change it ("I am 24 years old", "mera tajurba 3 saal hai").
_NUMBER_FILLER = frozenset(
    {
        "i",
        "am",
        "im",
        "i'm",
        "my",
        "age",
        "is",
        "of",
        "about",
        "around",
        "almost",
        "only",
        "just",
        "nearly",
        "approx",
        "approximately",
        "years",
        "year",
        "yrs",
        "yr",
        "y",
        "old",
        "experience",
        "exp",
        "work",
        "working",
        "job",
        "saal",
        "sal",
        "ka",
        "ki",
        "ke",
        "hai",
        "hain",
        "hun",
        "hoon",
        "hu",
        "mera",
        "meri",
        "mere",
        "umar",
        "umr",
        "taqreeban",
        "lagbhag",
        "sirf",
        "tajurba",
        "tajruba",
        "baras",
        "the",
        "to",
        "and",
        "months",
        "month",
        "سال",
        "برس",
        "میری",
        "میرا",
        "عمر",
        "ہے",
        "ہوں",
        "تقریباً",
        "صرف",
        "تجربہ",
        "کا",
        "کی",
        "کے",
    }
)
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


_QUESTION_WORDS = frozenset(
    {
        "why",
        "what",
        "how",
        "where",
        "who",
        "which",
        "kyun",
        "kyon",
        "kyu",
        "kya",
        "kaise",
        "kaisay",
        "kahan",
        "kaun",
        "konsa",
        "chahiye",
        "batao",
        "bataen",
        "کیوں",
        "کیا",
        "کیسے",
        "کہاں",
        "کون",
        "چاہیے",
    }
)


def parse_name(text: str) -> str | None:
    """A person's name: 2-60 characters of letters, spaces, dots, apostrophes and hyphens."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    if not 2 <= len(name) <= 60 or name.startswith("/") or _clean(name) in _NOT_A_NAME:
        return None
    if not all(ch.isalpha() or ch in " .'-" or unicodedata.category(ch).startswith("M") for ch in name):
        return None
    if _QUESTION_WORDS & set(_clean(name).split()):
        return None  # "naam kyun chahiye aap ko" asks something; it is nobody's name
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


def _number(text: str) -> int | None:
    """The one number an answer gives, in digits or words; None if the answer says anything else besides
    ("jlpt n5 passed" at the experience question is not 5 years)."""
    words = re.findall(r"[^\W\d_]+|\d+", _clean(text))
    numbers = [int(w) for w in words if w.isdigit()] + [_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS]
    others = [w for w in words if not w.isdigit() and w not in _NUMBER_WORDS and w not in _NUMBER_FILLER]
    if others or len(numbers) != 1:
        return None
    return numbers[0]


def parse_age(text: str) -> int | None:
    """Age in years, 16 to 60, from an answer that gives one number (digits or words)."""
    age = _number(text)
    return age if age is not None and MIN_AGE <= age <= MAX_AGE else None


def parse_experience(text: str) -> int | None:
    """Years of work experience, 0 to 45; "none" counts as 0."""
    answer = _clean(text)
    if answer in _NONE_WORDS or answer in ("fresh", "fresher", "fresh graduate", "کوئی نہیں"):
        return 0
    years = _number(answer)
    return years if years is not None and 0 <= years <= MAX_EXPERIENCE else None


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
