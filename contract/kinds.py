"""Owns the names of Rasa's custom messages (`{"kind": ...}`): the one list both sides of the HTTP API use.

The action server and the responses in domain.yml/responses/ emit these; bot/dialogue.py turns each into a
typed message. tests/test_contract.py fails if anything emits a kind that is not listed here.
"""

from __future__ import annotations

TOPIC = "topic"
LANGUAGE_MENU = "language_menu"
REQUEST_CONTACT = "request_contact"
LEAD_SUMMARY = "lead_summary"
LEAD_COMPLETE = "lead_complete"
JOB_OPENINGS = "job_openings"
HANDOFF = "handoff"
# A form question whose answer is free text (a name, a town): that answer says nothing about the user's language.
ASKING = "asking"
# The engine deliberately shows nothing: "Yes, I agree" tapped twice must not ask the first question twice.
# The adapter sends no message for it (and, for a button, only answers the callback query).
NOTHING_NEW = "nothing_new"

ALL = frozenset(
    {TOPIC, LANGUAGE_MENU, REQUEST_CONTACT, LEAD_SUMMARY, LEAD_COMPLETE, JOB_OPENINGS, HANDOFF, ASKING, NOTHING_NEW}
)
