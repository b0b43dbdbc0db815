"""Which messages are plainly not about working in Japan (homework, maths, other countries' visas); pure rules.

The classifier only knows the topics it was trained on, so a homework question or a Canada visa question
is pulled towards the nearest Japan topic. These rules recognise the two commonest kinds of off-topic
request, in English, Urdu script and Roman Urdu, and only when the message names nothing of this
assistant's domain (Japan, its visas and tests, Pakistani emigration bodies).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rasa_ext.normalization import normalize


def _words(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern of whole words or phrases; a trailing `*` makes a prefix."""
    parts = []
    for word in words:
        body = r"\s+".join(re.escape(p) for p in normalize(word.rstrip("*")).split())
        parts.append(body if word.endswith("*") else rf"{body}(?!\w)")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


# Anything that ties a message to this assistant's subject keeps it in scope.
DOMAIN = _words(
    [
        "japan*",
        "jaapan*",
        "japanese",
        "japani",
        "jaapani",
        "nihon*",
        "tokyo",
        "osaka",
        "nagoya",
        "kyoto",
        "ssw",
        "tokutei",
        "jlpt",
        "jft*",
        "titp",
        "engineer visa",
        "agent*",
        "ایجنٹ*",
        "coe",
        "hsp",
        "j-skip",
        "oec",
        "beoe",
        "oep*",
        "protector*",
        "prometric",
        "n1",
        "n2",
        "n3",
        "n4",
        "n5",
        "esd",
        "ikusei",
        "gijinkoku",
        "yen",
        "جاپان*",
        "جاپانی",
        "ٹوکیو",
        "اوساکا",
        "پروٹیکٹر*",
        "ین",
    ]
)
# Other destination countries and their visa words.
OTHER_COUNTRY = _words(
    [
        "canada",
        "canadian",
        "uk",
        "england",
        "britain",
        "london",
        "usa",
        "america*",
        "us visa",
        "us tourist visa",
        "us student visa",
        "us work visa",
        "us visit visa",
        "australia*",
        "new zealand",
        "germany",
        "german",
        "france",
        "italy",
        "spain",
        "portugal",
        "poland",
        "romania",
        "hungary",
        "schengen",
        "europe*",
        "turkey",
        "turkish",
        "saudi*",
        "ksa",
        "iqama",
        "dubai",
        "uae",
        "emirates",
        "qatar",
        "kuwait",
        "oman",
        "bahrain",
        "malaysia*",
        "singapore",
        "korea*",
        "eps-topik",
        "topik",
        "china",
        "chinese",
        "russia*",
        "azerbaijan",
        "thailand",
        "iran",
        "iraq",
        "ireland",
        "sweden",
        "finland",
        "netherlands",
        "کینیڈا",
        "برطانیہ",
        "انگلینڈ",
        "امریکہ",
        "آسٹریلیا",
        "نیوزی لینڈ",
        "جرمنی",
        "فرانس",
        "اٹلی",
        "اسپین",
        "پولینڈ",
        "رومانیہ",
        "شینگن",
        "یورپ*",
        "ترکی",
        "سعودی*",
        "اقامہ",
        "دبئی",
        "امارات",
        "قطر",
        "کویت",
        "عمان",
        "بحرین",
        "ملائیشیا",
        "سنگاپور",
        "کوریا*",
        "چین",
        "روس",
        "آذربائیجان",
        "ایران",
        "عراق",
    ]
)
# School work, maths and general-knowledge requests.
HOMEWORK = _words(
    [
        "homework",
        "home work",
        "assignment*",
        "essay*",
        "paragraph",
        "poem*",
        "summar*",
        "solve*",
        "equation*",
        "formula*",
        "percent of",
        "percentage of",
        "square root",
        "cost price",
        "profit and loss",
        "sum of",
        "find x",
        "value of x",
        "translation of",
        "grammar",
        "synonym*",
        "antonym*",
        "capital of",
        "prime minister",
        "president of",
        "photosynthesis",
        "mitosis",
        "meiosis",
        "newton*",
        "algebra",
        "geometry",
        "trigonometry",
        "leave application",
        "application to the principal",
        "mcqs",
        "world war",
        "jang e azeem",
        "recipe*",
        "joke*",
        "lateefa",
        "latifa",
        "cricket",
        "psl",
        "weather",
        "mazmoon",
        "mazmun",
        "khulasa",
        "hal karo",
        "hal kar do",
        "tarjuma kar*",
        "formula kya",
        "translate this",
        "translate it",
        "translate into",
        "translate to",
        "ترجمہ کر*",
        "principal ke naam",
        "پرنسپل کے نام",
        "ہوم ورک",
        "اسائنمنٹ",
        "مضمون",
        "نظم",
        "خلاصہ",
        "حل کریں",
        "حل کرو",
        "مساوات",
        "فارمولا",
        "دارالحکومت",
        "وزیراعظم",
        "وزیر اعظم",
        "جنگ عظیم",
        "پرنسپل",
        "چھٹی کی درخواست",
        "لطیفہ",
        "کرکٹ",
        "موسم",
        "مائٹوسس",
        "میوسس",
        "مجموعہ",
        "قیمت خرید",
        "ریاضی",
    ]
)
# A country named as past work ("I drove in Dubai for 6 years") is context, not the question.
PAST_WORK = _words(
    [
        "worked",
        "working",
        "experience",
        "returned",
        "came back",
        "tajurba",
        "tajruba",
        "kaam kiya",
        "kaam karta",
        "kaam kar raha",
        "wapis",
        "wapas",
        "تجربہ",
        "تجربے",
        "کام کیا",
        "کام کرتا",
        "کام کر رہا",
        "واپس",
    ]
)
# Gadgets and shopping, a frequent off-topic request.
SHOPPING = _words(["laptop*", "mobile phone*", "smartphone*", "لیپ ٹاپ", "موبائل فون"])


def is_out_of_scope(text: str) -> bool:
    """True if the message asks about another country, school work or shopping, and names nothing of Japan."""
    if text.startswith("/"):
        return False
    t = normalize(text)
    if DOMAIN.search(t):
        return False
    other_country = bool(OTHER_COUNTRY.search(t)) and not PAST_WORK.search(t)
    return other_country or bool(HOMEWORK.search(t) or SHOPPING.search(t))
