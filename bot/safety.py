"""The safety layer: which messages must get the anti-fraud guidance, and that guidance (SAFETY_NOTE).

A message about paying an agent, buying a document or certificate, a "guaranteed" job or visa, an office
without a licence, a visa sold with the air ticket, or working on the wrong status (visit, tourist or
student visa; an Engineer visa for kitchen or factory work) gets the note, whatever topic it is answered
with. The rules read the message in English, Urdu script and Roman Urdu, on the same canonical text form
as the Rasa tokenizer (`rasa_ext.normalization`, a pure module with no Rasa imports). Facts behind the
note: facts.md C0.5, C0.7, F7.1, F7.2, F7.8, F7.9, V14.1, V14.3, E5.7.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.texts import _
from rasa_ext.normalization import normalize

SAFETY_NOTE = _(
    "⚠ Careful: nobody may charge you for a job or a visa, and no one can guarantee one. Official fees "
    "(embassy, BEOE protector, test centre) are paid to that office itself, by bank, with a receipt. A licensed "
    "OEP may charge at most Rs 15,000 (news reports, Dec 2025). Buying a certificate or an experience letter is "
    "fraud. A visit or tourist visa allows no work at all; a student may work only part-time with the "
    "immigration office's permission (at most 28 hours a week ⚠), never full time. Check any agent at "
    "beoe.gov.pk/list-of-oeps "
    "and report fraud to the Protector of Emigrants (BEOE) or the FIA."
)


def _terms(words: Iterable[str]) -> str:
    """A regex alternative of words; a trailing `*` makes a word a prefix (agent* → agents, agency)."""
    parts = []
    for word in words:
        prefix = word.endswith("*")
        # Urdu terms go through the same normaliser as the message, so letter forms always agree.
        body = r"\s+".join(re.escape(piece) for piece in normalize(word.rstrip("*")).split())
        parts.append(body if prefix else rf"{body}(?!\w)")
    return r"(?<!\w)(?:" + "|".join(parts) + ")"


def _group(*words: str) -> re.Pattern[str]:
    return re.compile(_terms(words))


AGENT = _group(
    "agent*", "agenc*", "broker*", "middleman", "middlemen", "dalal*", "consultant*", "sub-agent*",
    "ایجنٹ*", "ایجنسی*", "ایجینٹ*", "دلال*", "کنسلٹنٹ*", "بروکر*",
)
MONEY = _group(
    "lakh*", "lac", "lacs", "lakhs", "rupee*", "rs", "pkr", "hazar*", "hazaar*", "paise", "paisay", "paisa", "paison",
    "money", "fee*", "charge*", "payment*", "cash", "raqam", "amount",
    "لاکھ*", "روپے*", "روپیہ*", "ہزار*", "پیسے*", "پیسوں*", "فیس*", "رقم*", "ادائیگی*", "چارج*", "نقد*", "کیش",
)
LAKHS = _group("lakh*", "lac", "lacs", "لاکھ*")
AMOUNT = re.compile(r"\d+\s*(?:k|lakh|lac|lacs|لاکھ|ہزار|hazar|000)(?!\w)|\d{1,3}(?:,\d{3})+|\d{5,}")
PAYING = _group(
    "pay", "pays", "paying", "payment*", "paid", "give", "gives", "giving", "gave", "send", "sending", "sent",
    "transfer*", "deposit*", "ask", "asks", "asking", "asked", "demand*", "wants", "wanted", "charg*", "quote*",
    "jama", "dena", "dene", "diye", "diya", "dia", "de do", "de dun", "de doon", "dun", "doon", "maang*", "mang*",
    "le raha", "le rahe", "le rahi", "lega", "lenge", "bhej*", "hand over", "handover",
    "مانگ*", "دے", "دیے", "دیئے", "دیا", "دی", "دینا", "دینے", "دینی", "دیں", "دوں", "جمع", "لے رہا", "لے رہے",
    "لے رہی", "بھیج*", "ٹرانسفر*", "ادا کر*", "ادائیگی*",
)
VISA_OR_JOB = _group(
    "visa*", "veeza", "viza", "wesa", "job*", "naukri", "nokri", "nokari", "selection", "placement",
    "employment", "work permit", "coe", "interview*",
    "ویزا*", "ویزہ*", "ویزے", "نوکری*", "جاب*", "ملازمت*", "سلیکشن", "انٹرویو*",
)
DEPOSIT = _group(
    "deposit*", "security money", "zamanat*", "guarantee money", "penalty", "jurmana", "ڈپازٹ*", "ضمانت*", "جرمانہ*",
)
CASH = _group("cash", "naqd", "نقد*", "کیش")
NO_RECEIPT = re.compile(
    _terms(["no receipt*", "without receipt*", "without a receipt*", "without any receipt*", "بغیر رسید*"])
    + "|"
    + _terms(["raseed*", "rasid*", "receipt*", "رسید*"])
    + r"\s+(?:\w+\s+)?"
    + _terms(["nahi", "nahin", "nhi", "not", "نہیں"])
)
BUYING = _group(
    "buy*", "bought", "purchas*", "sell*", "sold", "khareed*", "kharid*", "bech*", "bik*", "bana*", "بنوا*",
    "خرید*", "بیچ*", "بک*", "بنا*",
)
DOCUMENT = _group(
    "certificate*", "certi*", "letter*", "degree*", "diploma*", "document*", "result*", "experience*", "marksheet*",
    "transcript*", "sanad", "stamp*", "paper*",
    "سرٹیفکیٹ*", "سرٹیفیکیٹ*", "سند*", "ڈگری*", "لیٹر*", "کاغذ*", "رزلٹ*", "تجربے*", "تجربہ*", "دستاویز*",
    "ڈپلومہ*", "پیپر*",
)
FAKE = _group("fake", "jaali", "jali", "naqli", "bogus", "forged", "ready made", "readymade", "bana banaya",
              "جعلی", "نقلی", "بنا بنایا", "بنی بنائی")
NO_EXAM = re.compile(
    _terms(["without", "bina", "baghair", "bagair", "no", "بغیر", "بنا"])
    + r"\s+(?:\w+\s+){0,2}"
    + _terms(["exam*", "test*", "imtihan*", "interview*", "امتحان*", "ٹیسٹ*", "انٹرویو*"])
    + "|"
    + _terms(["exam*", "test*", "imtihan*", "امتحان*", "ٹیسٹ*"])
    + r"\s+(?:\w+\s+){0,3}"
    + _terms(["zaroorat nahi", "zarurat nahi", "ki zaroorat nahi", "not needed", "not required", "ضرورت نہیں"])
)
GUARANTEE = _group(
    "guarant*", "gaurant*", "garant*", "100%", "100 %", "100 percent", "hundred percent", "sau fisad", "sau feesad",
    "pakka", "pakki", "pakke", "confirm visa", "visa confirm", "sure visa", "yaqeeni",
    "گارنٹی*", "گارنٹڈ", "سو فیصد", "پکا", "پکی", "پکے", "یقینی",
)
LICENCE = _group("licen*", "لائسنس*", "لائیسنس*", "لیسنس*", "registered", "رجسٹرڈ")
NEGATION = _group(
    "no", "not", "without", "nahi", "nahin", "nhi", "nai", "don't", "dont", "doesn't", "doesnt", "bina", "baghair",
    "fake", "expir*", "cancel*", "بغیر", "نہیں", "جعلی", "منسوخ*", "ختم",
)
UNLICENSED = _group("unlicen*", "unregistered", "غیر لائسنس*", "غیر رجسٹرڈ")
TICKET = _group("ticket*", "ٹکٹ*")
BUNDLED = _group("with", "sath", "saath", "samait", "included", "including", "package*", "plus", "ساتھ", "سمیت",
                 "پیکج*")
FREE_VISA = _group("free visa", "azad visa", "azaad visa", "visa free", "free work visa", "آزاد ویزا", "فری ویزا",
                   "مفت ویزا")
STATUS = _group(
    "visit*", "tourist*", "tourism", "sightseeing", "student*", "study visa", "studies visa", "language school*",
    "short term visa", "short-term visa", "short term stay", "short-term stay", "visitor*",
    "وزٹ*", "ویزٹ*", "سیاحتی", "سیاحت*", "ٹورسٹ*", "ٹورِسٹ*", "اسٹوڈنٹ*", "سٹوڈنٹ*", "طالب علم*", "طلبہ",
    "لینگویج اسکول*",
    "سٹڈی ویزا", "اسٹڈی ویزا",
)
WORKING = _group(
    "work*", "job*", "kaam", "naukri", "nokri", "nokari", "earn*", "kama*", "salary", "part time", "part-time",
    "full time", "full-time", "employ*", "mazdoori", "sponsor*",
    "کام", "نوکری*", "جاب*", "کما*", "ملازمت*", "تنخواہ*", "مزدوری*", "پارٹ ٹائم", "فل ٹائم", "آجر*",
)
CONTRAST = _group("but", "lekin", "magar", "actual*", "asal", "asli kaam", "really", "لیکن", "مگر", "اصل")
VISA = _group("visa*", "veeza", "viza", "ویزا*", "ویزہ*", "ویزے")
SALARY = _group("salary", "salaries", "pay", "wage*", "tankhwah*", "tankhah", "tankhuwa", "تنخواہ*", "اجرت*")
FEE = _group("fee", "fees", "charges", "commission", "فیس", "چارجز", "کمیشن")
DEDUCTED = _group("cut*", "deduct*", "kat*", "katoti", "katauti", "کاٹ*", "کٹ*", "کٹوتی*")
ENGINEER = _group("engineer*", "انجینئر*", "انجینیئر*", "انجنیئر*", "gijinkoku")
UNRELATED_JOB = _group(
    "restaurant*", "kitchen*", "factory", "factories", "hotel*", "cook*", "waiter*", "driver*", "driving", "cleaning",
    "cleaner*", "labour*", "labor*", "warehouse*", "packing", "dishwash*", "farm*", "delivery",
    "ریسٹورنٹ*", "ریسٹورینٹ*", "ہوٹل*", "کچن*", "فیکٹری*", "کک", "باورچی*", "ویٹر*", "ڈرائیور*", "مزدور*", "صفائی*",
    "گودام*", "ڈیلیوری*",
)
ILLEGAL = _group("illegal*", "overstay*", "ghair qanooni", "ghair kanooni", "ghairqanooni", "غیر قانونی*", "اوور سٹے*",
                 "اوورسٹے*")
WORKER_FEE = _group(
    "support fee*", "management fee*", "coe fee*", "coe ki fee*", "commission*", "kameeshan", "sponsor fee*",
    "visa processing fee*", "processing fee*", "file charge*", "file fee*", "سپورٹ فیس*", "مینجمنٹ فیس*", "کمیشن*",
    "پراسیسنگ فیس*", "فائل چارج*",
)
COE = _group("coe", "سی او ای")
MOBILE_MONEY = _group("jazzcash", "jazz cash", "easypaisa", "easy paisa", "جاز کیش", "ایزی پیسہ")


# "45,000 a month" is a salary in a life story, not a sum someone asks for.
SALARY_AMOUNT = re.compile(
    r"(?:month|mahina|mahine|mahinay|مہینے|ماہانہ)\s*(?:ke|ka|کے)?\s*\d[\d,.]*\s*(?:k|hazar|ہزار|lakh|لاکھ)?(?!\w)|"
    r"(?:rs\.?\s*)?\d[\d,.]*\s*(?:k|hazar|ہزار|lakh|لاکھ)?\s*(?:rupees?|rs|روپے)?\s*"
    r"(?:a|per|ka|ke|har|فی)?\s*(?:month|monthly|mahina|mahine|mahinay|ماہانہ|مہینہ|مہینے|ماہ)(?!\w)"
)


def safety_reasons(text: str) -> list[str]:
    """The names of the risk rules that `text` matches (empty: no safety note needed)."""
    t = SALARY_AMOUNT.sub(" ", normalize(text))
    big_money = bool(AMOUNT.search(t) or LAKHS.search(t))
    money = big_money or bool(MONEY.search(t))
    paying = bool(PAYING.search(t))
    visa_or_job = bool(VISA_OR_JOB.search(t))
    rules = {
        "agent": bool(AGENT.search(t)),
        "large sum asked": big_money and paying,
        "money for a visa or job": money and paying and visa_or_job,
        "deposit or penalty": bool(DEPOSIT.search(t)),
        "cash": bool(CASH.search(t)) and (paying or bool(MONEY.search(t))),
        "no receipt": bool(NO_RECEIPT.search(t)),
        "buying a document": bool(BUYING.search(t) and DOCUMENT.search(t)),
        "fake document or offer": bool(FAKE.search(t)) and (bool(DOCUMENT.search(t)) or visa_or_job),
        "no exam needed": bool(NO_EXAM.search(t)) and (visa_or_job or bool(DOCUMENT.search(t)) or money),
        "guarantee": bool(GUARANTEE.search(t)),
        "no licence": bool(LICENCE.search(t) and NEGATION.search(t)) or bool(UNLICENSED.search(t)),
        "visa with the ticket": bool(TICKET.search(t)) and (bool(BUNDLED.search(t)) or "+" in t) and visa_or_job,
        "free visa": bool(FREE_VISA.search(t)),
        "work on a visit or student status": bool(STATUS.search(t) and WORKING.search(t)),
        "engineer visa for other work": bool(ENGINEER.search(t))
        and (bool(UNRELATED_JOB.search(t)) or bool(VISA.search(t) and CONTRAST.search(t))),
        "fee cut from salary": bool(SALARY.search(t) and DEDUCTED.search(t) and FEE.search(t)),
        "illegal work": bool(ILLEGAL.search(t)),
        "fee charged to the worker": bool(WORKER_FEE.search(t)),
        "coe fee": bool(COE.search(t)) and money,
        "mobile money transfer": bool(MOBILE_MONEY.search(t)),
    }
    return [name for name, matched in rules.items() if matched]


def needs_safety_note(text: str) -> bool:
    """True if the message is about paying, agents, guarantees, bought documents or working on the wrong status."""
    return bool(safety_reasons(text))
