"""Which leads fit which job openings: the rules in one place, each match with its reason, ranked.

Only a *passed* Japanese result meets a requirement (as in bot/routes.py): "studying", a JFT-Basic below A2.2
and the pre-2026-12 "level" keys of stored leads never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select

from bot.models import JobOpening, Lead
from bot.repository import Repository
from bot.routes import DEGREES, ENGINEER_EXPERIENCE_YEARS, SSW_MIN_AGE
from contract.profile import EDUCATION, SSW_FIELDS

# The passed-result scale: a JLPT level's rank; JFT-Basic A2.2 stands for N4 (L3.1) but never for N3 and up.
JLPT_RANK = {"jlpt_n5": 1, "jlpt_n4": 2, "jlpt_n3": 3, "jlpt_n2": 4, "jlpt_n1": 5}
JFT_A2_2 = "jft_a2_2"
# Openings made with the old form carry "level" keys; as a requirement they mean the same JLPT level.
LEGACY_REQUIREMENT = {
    "n5": "jlpt_n5",
    "n4": "jlpt_n4",
    "n3": "jlpt_n3",
    "n2": "jlpt_n2",
    "n1": "jlpt_n1",
    "jft_a2": JFT_A2_2,
}
RESULT_NAMES = {
    "jlpt_n5": "N5",
    "jlpt_n4": "N4",
    "jlpt_n3": "N3",
    "jlpt_n2": "N2",
    "jlpt_n1": "N1",
    JFT_A2_2: "JFT-Basic A2.2",
}


class Candidate(Protocol):
    """What the rules read of a lead."""

    @property
    def field(self) -> str: ...
    @property
    def age(self) -> int: ...
    @property
    def education(self) -> str: ...
    @property
    def japanese_level(self) -> str: ...
    @property
    def experience_years(self) -> int: ...
    @property
    def city(self) -> str: ...


class Opening(Protocol):
    """What the rules read of a job opening."""

    @property
    def field(self) -> str: ...
    @property
    def route(self) -> str: ...
    @property
    def japanese_level(self) -> str: ...
    @property
    def education(self) -> str: ...
    @property
    def age_min(self) -> int | None: ...
    @property
    def age_max(self) -> int | None: ...
    @property
    def experience_years(self) -> int: ...
    @property
    def deadline(self) -> datetime | None: ...


@dataclass(frozen=True)
class Match:
    """A fit of a lead and an opening: the reason staff read, and a rank (higher first)."""

    lead_id: int
    opening_id: int
    reason: str
    rank: tuple[int, int, int]
    lead_name: str = ""


def japanese_rank(level: str) -> int:
    """The rank of a passed result (0: nothing passed); JFT-Basic A2.2 ranks as N4."""
    if level == JFT_A2_2:
        return JLPT_RANK["jlpt_n4"]
    return JLPT_RANK.get(level, 0)


def meets_japanese(passed: str, required: str) -> bool:
    """Whether a lead's passed result meets an opening's requirement (N3 and up need the JLPT itself)."""
    required = LEGACY_REQUIREMENT.get(required, required)
    if required in ("", "none"):
        return True
    if required == JFT_A2_2:
        return japanese_rank(passed) >= JLPT_RANK["jlpt_n4"]
    need = JLPT_RANK.get(required)
    if need is None:
        return False
    if passed == JFT_A2_2:
        return need <= JLPT_RANK["jlpt_n4"]
    return JLPT_RANK.get(passed, 0) >= need


def education_rank(education: str) -> int:
    """Position on the education scale (none … master); unknown keys rank lowest."""
    return EDUCATION.index(education) if education in EDUCATION else 0


def deadline_passed(deadline: datetime | None, now: datetime | None = None) -> bool:
    """Whether an opening's deadline (if it has one) is before `now` (default: this moment)."""
    if deadline is None:
        return False
    deadline = deadline if deadline.tzinfo else deadline.replace(tzinfo=UTC)  # SQLite returns naive UTC
    return deadline < (now or datetime.now(UTC))


def fits(lead: Candidate, opening: Opening, now: datetime | None = None) -> bool:
    """Whether the lead meets every rule: field and route, Japanese, education, age, experience, deadline."""
    if deadline_passed(opening.deadline, now):
        return False
    if lead.field != opening.field:
        return False
    if opening.route == "ssw" and (lead.field not in SSW_FIELDS or lead.age < SSW_MIN_AGE):
        return False  # S2.3, D6.1: an SSW (i) field and 18+
    if opening.route == "engineer_it" and not (
        lead.education in DEGREES or lead.experience_years >= ENGINEER_EXPERIENCE_YEARS
    ):
        return False  # E5.1: a related degree or 10 years of experience
    if not meets_japanese(lead.japanese_level, opening.japanese_level):
        return False
    if education_rank(lead.education) < education_rank(opening.education):
        return False
    if opening.age_min is not None and lead.age < opening.age_min:
        return False
    if opening.age_max is not None and lead.age > opening.age_max:
        return False
    return lead.experience_years >= opening.experience_years


def reason(lead: Candidate) -> str:
    """Why the lead fits, as staff read it: "N4 passed, IT degree, 3 years' experience, Lahore"."""
    parts = []
    if lead.japanese_level in RESULT_NAMES:
        parts.append(f"{RESULT_NAMES[lead.japanese_level]} passed")
    if lead.education in DEGREES:
        degree = "master's degree" if lead.education == "master" else "degree"
        parts.append(f"IT {degree}" if lead.field == "it" else degree)
    else:
        parts.append(lead.education)
    if lead.experience_years:
        years = "1 year's" if lead.experience_years == 1 else f"{lead.experience_years} years'"
        parts.append(f"{years} experience")
    parts.append(lead.city)
    return ", ".join(parts)


def rank(lead: Candidate) -> tuple[int, int, int]:
    """Ranking among fitting leads: higher passed Japanese, then more experience, then more education."""
    return (japanese_rank(lead.japanese_level), lead.experience_years, education_rank(lead.education))


def match(lead: Lead, opening: JobOpening, now: datetime | None = None) -> Match | None:
    """The match of a stored lead and opening, or None when a rule is not met."""
    if not fits(lead, opening, now):
        return None
    return Match(lead.id, opening.id, reason(lead), rank(lead), lead.full_name)


async def openings_for_lead(repository: Repository, lead_id: int, now: datetime | None = None) -> list[Match]:
    """Published, open openings the lead fits, newest first."""
    async with repository.session() as session:
        lead = await session.get(Lead, lead_id)
        if lead is None:
            return []
        openings = list(
            await session.scalars(
                select(JobOpening).where(JobOpening.status == "published", JobOpening.is_open.is_(True))
            )
        )
    found = [m for m in (match(lead, opening, now) for opening in openings) if m is not None]
    return sorted(found, key=lambda m: m.opening_id, reverse=True)


async def leads_for_opening(
    repository: Repository, opening_id: int, now: datetime | None = None, limit: int = 200
) -> list[Match]:
    """Leads that fit the opening (of any status but rejected or placed), ranked best first."""
    async with repository.session() as session:
        opening = await session.get(JobOpening, opening_id)
        if opening is None:
            return []
        leads = list(
            await session.scalars(
                select(Lead).where(Lead.field == opening.field, Lead.status.not_in(("rejected", "placed")))
            )
        )
    found = [m for m in (match(lead, opening, now) for lead in leads) if m is not None]
    return sorted(found, key=lambda m: (m.rank, -m.lead_id), reverse=True)[:limit]


async def openings_by_id(repository: Repository, ids: list[int]) -> list[JobOpening]:
    """The openings with these ids, in the given order."""
    async with repository.session() as session:
        found = {o.id: o for o in await session.scalars(select(JobOpening).where(JobOpening.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
