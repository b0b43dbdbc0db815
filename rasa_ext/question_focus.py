"""Finds the question inside a long message (life story first, question last); pure, no Rasa imports.

Real messages of 300-600 characters tell age, degree, job and city before they ask. Classified whole,
they land on the topic of their context ("I did DAE electrical ... how much does protector cost?" reads
as an education question). `focus()` keeps the sentences that ask, plus the sentence just before a short
question ("An agent wants 8 lakh for the visa. Is this legit?"), and drops the rest of the story.
"""

from __future__ import annotations

import re

from rasa_ext.normalization import normalize

# Shorter messages are classified as they are: a two-sentence question rarely carries misleading context.
LONG_MESSAGE = 180
# Urdu script says as much in fewer characters: a message of this many words is long too.
LONG_MESSAGE_WORDS = 30
# A question of fewer words than this needs the sentence before it ("Is this real?").
SHORT_QUESTION_WORDS = 6

# Sentence ends: Latin and Urdu full stops and question marks, line breaks. Commas are not ends, but a
# message without any end at all is split on commas (Roman Urdu chat often has no full stops).
_ENDS = re.compile(r"(?<=[.!?\n])\s*|(?<=[؟۔])\s*")
_COMMAS = re.compile(r"(?<=,)\s*")
_WORDS = re.compile(r"\w+")

# Words that make a sentence a question or a request for advice, on the normalised text.
_ASKING_WORDS = (
    # English
    "what how which where when why who whom whose tell explain advise advice guide suggest help possible "
    "legit genuine scam "
    # Roman Urdu
    "kya kia kaise kese kaisay kesay kaisy kitna kitne kitni kitny kahan kahaan kidhar kab kon kaun "
    "konsa konsi kaunsa kaunsi konse kaunse kyun kyon kiun sakta sakti sakte skta skti sakhta batao bataen "
    "bataein btao bata bataiye batayein rehnumai mashwara chahiye chahye theek thik sahi asli jaiz "
    # Urdu script (normalised letter forms)
    "کیا کیسے کیسا کیسی کتنا کتنی کتنے کہاں کب کون کونسا کونسی کونسے کیوں سکتا سکتی سکتے بتائیں بتا بتاؤ "
    "بتایئے رہنمائی مشورہ چاہیے چاہئے ٹھیک صحیح اصلی جائز"
)
_ASKING = frozenset(_ASKING_WORDS.split())
# English auxiliaries ask only when they open the sentence ("Is it legal", not "I am 24").
_AUXILIARIES = "is are am do does did can could should shall will would may was were has have"
_ASKING_FIRST = frozenset(_AUXILIARIES.split())


def sentences(text: str) -> list[str]:
    """The sentences of `text`, split on full stops, question marks and line breaks (else on commas)."""
    parts = [p.strip() for p in _ENDS.split(text) if p and p.strip()]
    if len(parts) <= 1:
        parts = [p.strip() for p in _COMMAS.split(text) if p and p.strip()]
    return parts


def is_question(sentence: str) -> bool:
    """True if the sentence asks something: a question mark, or a question or advice word."""
    if sentence.rstrip().endswith(("?", "؟")):
        return True
    words = _WORDS.findall(normalize(sentence))
    return bool(words) and (words[0] in _ASKING_FIRST or any(word in _ASKING for word in words))


def focus(text: str) -> str:
    """The part of a long message that carries its question; short messages come back unchanged."""
    if text.startswith("/") or (len(text) < LONG_MESSAGE and len(_WORDS.findall(text)) < LONG_MESSAGE_WORDS):
        return text
    parts = sentences(text)
    if len(parts) <= 1:
        return text
    asking = [i for i, part in enumerate(parts) if part.rstrip().endswith(("?", "؟"))]
    if not asking:
        asking = [i for i, part in enumerate(parts) if is_question(part)]
    if not asking:
        # No question at all: the request is usually at the end.
        asking = [len(parts) - 1]
    keep = set(asking)
    first = asking[0]
    if first > 0 and len(_WORDS.findall(parts[first])) < SHORT_QUESTION_WORDS:
        keep.add(first - 1)
    return " ".join(parts[i] for i in sorted(keep))
