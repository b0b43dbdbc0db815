"""The lead status workflow: which changes are allowed, which need a note, and recording them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import LEAD_STATUSES, Lead, LeadEvent, utcnow
from bot.repository import Repository
from bot.staff.audit import add_to, entry

# new → contacted → qualified → placed, with rejected reachable from every open step; a rejected lead can be
# reopened as contacted. Placed is final. Going back a step is not offered: the history is the record.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("contacted", "rejected"),
    "contacted": ("qualified", "rejected"),
    "qualified": ("placed", "rejected"),
    "rejected": ("contacted",),
    "placed": (),
}
# Closing (placed, rejected) and reopening must say why; other steps may.
NOTE_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {(a, b) for a, targets in TRANSITIONS.items() for b in targets if b in {"placed", "rejected"}}
    | {("rejected", "contacted")}
)
MAX_NOTE = 2000


class StatusChangeRefused(ValueError):
    """A status change that the workflow does not allow (the message is shown to the recruiter)."""


@dataclass(frozen=True)
class StatusChange:
    """What changed."""

    lead_id: int
    previous: str
    status: str


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a lead in `status` may move to."""
    return TRANSITIONS.get(status, ())


def check(previous: str, status: str, note: str) -> None:
    """Raise StatusChangeRefused unless previous → status is allowed with this note."""
    if status not in LEAD_STATUSES:
        raise StatusChangeRefused(f"“{status}” is not a status.")
    if status not in allowed_next(previous):
        options = ", ".join(allowed_next(previous)) or "none (it is final)"
        raise StatusChangeRefused(f"A lead that is “{previous}” cannot be moved to “{status}”. Allowed: {options}.")
    if (previous, status) in NOTE_REQUIRED and not note.strip():
        raise StatusChangeRefused(f"Please write a note saying why the lead is now “{status}”.")


async def change_status(
    repository: Repository, lead_id: int, status: str, note: str, actor: str, client: str
) -> StatusChange:
    """Apply an allowed change in one transaction: the lead, its history and the audit log."""
    note = note.strip()[:MAX_NOTE]
    async with repository.session() as session:
        lead = await session.get(Lead, lead_id, with_for_update=True)
        if lead is None:
            raise LookupError(f"no lead {lead_id}")
        previous = lead.status
        check(previous, status, note)
        lead.status, lead.updated_at = status, utcnow()
        session.add(
            LeadEvent(lead_id=lead_id, kind="status", actor=actor, note=note, snapshot={"from": previous, "to": status})
        )
        add_to(session, entry(actor, "status_change", f"lead {lead_id}", f"{previous} → {status}", client))
    return StatusChange(lead_id, previous, status)
