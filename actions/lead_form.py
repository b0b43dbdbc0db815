"""Actions of the lead registration: consent, answer validation, summary and submission.

The actions shape the conversation. The moment a registration is confirmed is the moment it becomes
durable: the submission action puts a `store_lead` job on the shared queue (contract/queue.py) before it
answers, and the adapter's worker stores it once per user and form run. The adapter also gets a custom
message {"kind": kinds.LEAD_COMPLETE, ...} (see bot/dialogue.py), only to render the confirmation.
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import interruptions, japanese, validation
from contract import kinds
from contract.queue import STORE_LEAD, Queue, location_from_env, open_queue

log = logging.getLogger(__name__)
_queue: Queue | None = None


def lead_queue() -> Queue:
    """The job queue, opened once per action server process from QUEUE_URL / REDIS_URL."""
    global _queue
    if _queue is None:
        _queue = open_queue(location_from_env(os.environ))
    return _queue

# Bump when the consent text in domain.yml (utter_ask_consent) changes; stored with each lead.
CONSENT_VERSION = "2026-11-v1"
FORM = "lead_form"
REMINDER = "utter_form_reminder"
PROFILE_SLOTS = validation.PROFILE_FIELDS
_PARSERS: dict[str, Callable[[str], Any]] = {
    "full_name": validation.parse_name,
    "phone": validation.parse_phone,
    "city": validation.parse_city,
    "age": validation.parse_age,
    "education": validation.parse_education,
    "field": validation.parse_field,
    "japanese_level": validation.parse_japanese_level,
    "experience_years": validation.parse_experience,
    "has_passport": validation.parse_yes_no,
}


def profile(tracker: Tracker) -> dict[str, Any]:
    """The profile slots as a plain dict."""
    return {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS}


def _extractor(slot: str, parser: Callable[[str], Any]) -> Callable[..., Any]:
    async def extract(
        self: FormValidationAction, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Only the pending question takes the message, and only if it is meant as an answer: an interruption
        # extracts nothing, so Rasa rejects the form's turn and a rule in stories/form.yml handles it.
        if tracker.active_loop_name != FORM or tracker.get_slot("requested_slot") != slot:
            return {}
        message = tracker.latest_message or {}
        text = str(message.get("text") or "")
        intent = message.get("intent") or {}
        if interruptions.keeps_the_form_going(text, intent.get("name")):
            return {slot: None}  # not rejected: the form asks again (action_ask_<slot> stays silent for a double tap)
        if not interruptions.is_answer(slot, text, intent.get("name"), float(intent.get("confidence") or 0), parser):
            return {}
        return {slot: text}

    extract.__name__ = f"extract_{slot}"
    extract.__doc__ = f"Take the message as the answer for {slot}, unless it interrupts the form."
    return extract


def _validator(slot: str, parser: Callable[[str], Any]) -> Callable[..., Any]:
    async def validate(
        self: FormValidationAction, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {slot: None}  # no answer given, none expected (see extract): nothing to say
        # The raw answer as typed (the slot may hold a button payload or the text).
        parsed = parser(str(value))
        if parsed is None:
            dispatcher.utter_message(response=f"utter_invalid_{slot}")
        elif slot == "japanese_level" and japanese.typed_without_pass(str(value), parsed):
            # A typed answer that names a test without a pass: say how it was recorded (CR-1).
            dispatcher.utter_message(response=f"utter_japanese_{parsed}_noted")
        return {slot: parsed}

    validate.__name__ = f"validate_{slot}"
    validate.__doc__ = f"Check and normalise the answer for {slot}."
    return validate


class ValidateLeadForm(FormValidationAction):
    """Takes each answer (or lets an interruption through), checks it; an invalid one gets a specific re-prompt."""

    def name(self) -> str:
        return "validate_lead_form"


for _slot, _parser in _PARSERS.items():
    setattr(ValidateLeadForm, f"extract_{_slot}", _extractor(_slot, _parser))
    setattr(ValidateLeadForm, f"validate_{_slot}", _validator(_slot, _parser))


def _texts(domain: DomainDict, response: str) -> list[str]:
    return [str(v.get("text")) for v in domain.get("responses", {}).get(response, []) if v.get("text")]


# Answers that are free text (a name, a town): the adapter does not read them as a sign of the user's language.
FREE_TEXT_SLOTS = frozenset({"full_name", "city"})


class AskForSlot(Action, ABC):
    """Asks the form's pending question: after a pause, first says where the user was; a repeated tap asks nothing."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        question = f"utter_ask_{self.slot}"
        if interruptions.repeated_tap(tracker.events, _texts(domain, question)):
            dispatcher.utter_message(json_message={"kind": kinds.NOTHING_NEW})
            return []
        if interruptions.back_after_pause(tracker.events, FORM) and not _reminded_this_turn(tracker, domain):
            dispatcher.utter_message(response=REMINDER)
        if self.slot in FREE_TEXT_SLOTS:
            # Before the question, so that the question stays the conversation's last bot text (repeated taps).
            dispatcher.utter_message(json_message={"kind": kinds.ASKING, "slot": self.slot})
        dispatcher.utter_message(response=question)
        return []


def _reminded_this_turn(tracker: Tracker, domain: DomainDict) -> bool:
    reminder = _texts(domain, REMINDER)
    since_user: list[dict[str, Any]] = []
    for event in tracker.events:
        since_user = [] if event.get("event") == "user" else [*since_user, event]
    return any(e.get("event") == "bot" and e.get("text") in reminder for e in since_user)


for _slot in PROFILE_SLOTS:
    _name = "Ask" + "".join(part.title() for part in _slot.split("_"))
    globals()[_name] = type(
        _name, (AskForSlot,), {"slot": _slot, "__doc__": f"Asks for {_slot}.", "__module__": __name__}
    )


class ActionRecordConsent(Action):
    """Remembers when, and to which version of the consent text, the user agreed."""

    def name(self) -> str:
        return "action_record_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # A new registration starts empty: answers of an earlier one are never carried over.
        return [
            *(SlotSet(slot, None) for slot in PROFILE_SLOTS),
            SlotSet("consent_at", datetime.now(timezone.utc).isoformat(timespec="seconds")),
            SlotSet("consent_version", CONSENT_VERSION),
        ]


class ActionCheckConsent(Action):
    """Was the affirm at the consent text a clear yes? Sets `clear_yes`; the rules start the form only if so."""

    def name(self) -> str:
        return "action_check_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = str((tracker.latest_message or {}).get("text") or "")
        return [SlotSet("clear_yes", validation.is_clear_yes(text))]


class ActionShowSummary(Action):
    """Sends the profile for the adapter to show as a localized summary with confirm/correct buttons."""

    def name(self) -> str:
        return "action_show_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(json_message={"kind": kinds.LEAD_SUMMARY, "profile": profile(tracker)})
        dispatcher.utter_message(response="utter_confirm_profile")
        return []


class ActionSubmitLead(Action):
    """Queues the confirmed profile durably (before answering), then lets the adapter confirm it to the user."""

    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        payload = {
            "kind": kinds.LEAD_COMPLETE,
            "profile": profile(tracker),
            "consent_at": tracker.get_slot("consent_at"),
            "consent_version": tracker.get_slot("consent_version"),
        }
        metadata = (tracker.latest_message or {}).get("metadata") or {}
        # The form run: one consent, one lead. Replays of this action (a retry after a timeout, another Rasa
        # instance) carry the same run, so the worker stores the lead once.
        form_run = str(payload["consent_at"] or "no-consent-time")
        lead_queue().enqueue(
            STORE_LEAD,
            tracker.sender_id,
            form_run,
            str(metadata.get("language") or "en"),
            payload,
            str(metadata.get("source") or "telegram"),
        )
        log.info("queued a confirmed registration")
        dispatcher.utter_message(json_message=payload)
        return []


class ActionRestartProfile(Action):
    """Clears the answers (keeping consent) so the form asks them again."""

    def name(self) -> str:
        return "action_restart_profile"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return [SlotSet(slot, None) for slot in PROFILE_SLOTS]


class ActionCancelForm(Action):
    """Leaves the form; answers given so far are forgotten."""

    def name(self) -> str:
        return "action_cancel_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # The classifier reads some answers as "cancel" ("do" is two in Roman Urdu; "chhor do" is a cancel word):
        # an answer to the pending question that is no cancel word goes on with the form instead.
        slot = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        if tracker.active_loop_name == FORM and slot in _PARSERS and text and not text.startswith("/"):
            value = _PARSERS[slot](text)
            if value is not None and not interruptions.is_cancel_word(text):
                return [SlotSet(slot, value), FollowupAction(FORM)]
        dispatcher.utter_message(response="utter_lead_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *[SlotSet(s, None) for s in PROFILE_SLOTS]]
