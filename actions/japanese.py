"""Reads a typed or tapped answer to "Which Japanese test have you passed?" as a result, never as a hope.

A pass is recorded only when the answer says it was passed (a button, "N4 pass kiya", "passed JFT A2.2",
"JFT 210"). An answer that names a test without a pass ("JFT", "JFT ki tayari", "failed jft",
"preparing N4") is "studying"; a JFT-Basic band below A2.2 (A1, A2.1, 145-199 points) is
"jft_below_a2_2" (facts.md L3.6, C0.8). No Rasa imports: pure and testable anywhere.
"""

from __future__ import annotations

import re
import unicodedata

from contract.profile import JAPANESE_LEVELS

_DIGITS = str.maketrans(
    {**{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)}}
)
# Clauses are judged one by one: "N5 pass, N4 ki tayari" has a passed N5 and an unpassed N4.
_CLAUSES = re.compile(r"[,;،؛]| and | but | aur | lekin | magar | par | اور | لیکن | مگر ")
_JLPT = re.compile(r"(?<![a-z0-9])(?:jlpt\s*)?n\s*-?\s*([1-5])(?![0-9])|(?<![a-z])jlpt\s*-?\s*([1-5])(?![0-9])")
_URDU_JLPT = re.compile(r"این\s*([1-5])")
_JFT = re.compile(r"jft|j\.f\.t|جے\s*ایف\s*ٹی|جےایف")
_A2_2 = re.compile(r"a\s*2\s*[.\-]\s*2|a2\s+2(?!\d)|200\s*\+|200 plus")
_BELOW = re.compile(r"a\s*2\s*[.\-]\s*1|a2\s+1(?!\d)|(?<![a-z0-9])a\s*-?\s*1(?![0-9.])")
_BARE_A2 = re.compile(r"(?<![a-z0-9])a\s*-?\s*2(?![0-9.])")
_SCORE = re.compile(r"(?<![0-9.])([1-2][0-9]{2})(?![0-9])")
_NOT_PASSED = re.compile(
    r"fail|not pass|didn.?t pass|did not|havent|haven.?t|not yet|nahi|nahin|nai(?![a-z])|na hua|tayy?ari|"
    r"prepar|attempt|will take|want to take|going to|planning|plan to|next |dena|dun ga|doon ga|dungi|"
    r"studying|learning|seekh|sikh|parh raha|parh rahi|register|book|wait|intezar|انتظار|"
    r"فیل|نہیں|تیاری|سیکھ|دینا|دوں گا|دوں گی|پڑھ رہ"
)
_PASSED = re.compile(
    r"pass|paas|clear|qualif|certif|got |have |has |mil gaya|mila|result|score|hasil|"
    r"پاس|کلیئر|سرٹیفکیٹ|حاصل"
)
_NONE = frozenset(
    {
        "none",
        "no",
        "nothing",
        "zero",
        "none yet",
        "not yet",
        "no test",
        "nahi",
        "nahin",
        "koi nahi",
        "bilkul nahi",
        "abhi nahi",
        "kuch nahi",
        "koi test nahi",
        "کوئی نہیں",
        "نہیں",
        "ابھی نہیں",
        "کچھ نہیں",
        "کوئی ٹیسٹ نہیں",
    }
)
_STUDYING = re.compile(
    r"studying|learning|prepar|seekh|sikh|parh raha|parh rahi|tayy?ari|course|class|سیکھ|تیاری|پڑھ رہ|کورس"
)
# Highest first: what a person who passed several tests is recorded as.
_RANK = ("jlpt_n1", "jlpt_n2", "jlpt_n3", "jlpt_n4", "jft_a2_2", "jlpt_n5", "jft_below_a2_2")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    return re.sub(r"\s+", " ", text).strip().strip(".!?؟،,").lower()


def _clause_result(clause: str) -> tuple[str | None, bool]:
    """(the result this clause reports, whether it names a test at all)."""
    jlpt = _JLPT.search(clause) or _URDU_JLPT.search(clause)
    jft = _JFT.search(clause)
    below = _BELOW.search(clause)
    a2_2 = _A2_2.search(clause)
    score_match = _SCORE.search(clause)
    score = int(score_match.group(1)) if score_match else None
    names_test = bool(jlpt or jft or below or a2_2 or (score is not None and jft))
    if not names_test:
        return None, False
    if below or (jft and score is not None and 145 <= score < 200):
        return "jft_below_a2_2", True  # a JFT-Basic band below the pass line is a result, not a pass (C0.8)
    if _NOT_PASSED.search(clause):
        return None, True
    if jlpt:
        level = jlpt.group(1) or jlpt.group(2)
        return (f"jlpt_n{level}" if _PASSED.search(clause) else None), True
    if a2_2 or (jft and score is not None and 200 <= score <= 250):
        return "jft_a2_2", True  # A2.2 or 200+ names the passing band itself (L3.6)
    return None, True  # "JFT", "JFT A2" (an A2.1 holder says that too): no passing band named


def parse_japanese_level(text: str) -> str | None:
    """The passed result as one of JAPANESE_LEVELS, or None if the answer is unclear (ask again with buttons)."""
    answer = _clean(text)
    if answer in JAPANESE_LEVELS:
        return answer  # a button
    if answer in _NONE:
        return "none"
    results: set[str] = set()
    names_test = False
    for clause in _CLAUSES.split(f" {answer} "):
        result, named = _clause_result(clause.strip())
        names_test = names_test or named
        if result:
            results.add(result)
    if results:
        return next(level for level in _RANK if level in results)
    if names_test:
        if _BARE_A2.search(answer) and _PASSED.search(answer) and not _NOT_PASSED.search(answer):
            return None  # "passed JFT A2": A2.1 or A2.2? only the buttons can tell
        return "studying"
    if _STUDYING.search(answer):
        return "studying"
    return None


def typed_without_pass(text: str, level: str) -> bool:
    """True when a typed answer (not a button) was recorded as not passed: the user is told so."""
    return level in ("studying", "jft_below_a2_2") and _clean(text) not in JAPANESE_LEVELS
