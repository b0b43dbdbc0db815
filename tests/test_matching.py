"""Matching rules case by case (field and route, passed Japanese, education, age, experience, deadline), reasons,
ranking, and the pages: a lead's fitting openings, an opening's fitting leads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.leads import LeadJob, LeadService
from bot.matching import fits, leads_for_opening, meets_japanese, openings_for_lead, rank, reason
from bot.migrations import migrate
from bot.models import Lead
from bot.opening_sheet import OpeningDraft
from bot.openings import OpeningStore
from bot.repository import Repository

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    field: str = "it"
    age: int = 25
    education: str = "bachelor"
    japanese_level: str = "jlpt_n4"
    experience_years: int = 3
    city: str = "Lahore"


@dataclass(frozen=True)
class Job:
    field: str = "it"
    route: str = "engineer_it"
    japanese_level: str = "jlpt_n4"
    education: str = "none"
    age_min: int | None = None
    age_max: int | None = None
    experience_years: int = 0
    deadline: datetime | None = None


@pytest.mark.parametrize(
    ("passed", "required", "meets"),
    [
        ("jlpt_n4", "jlpt_n4", True),
        ("jlpt_n3", "jlpt_n4", True),
        ("jlpt_n5", "jlpt_n4", False),
        ("jft_a2_2", "jlpt_n4", True),  # L3.1: JFT-Basic A2.2 meets the N4 rule
        ("jft_a2_2", "jlpt_n3", False),  # but never N3 and up
        ("jlpt_n4", "jft_a2_2", True),
        ("studying", "jlpt_n5", False),
        ("jft_below_a2_2", "jft_a2_2", False),
        ("n4", "jlpt_n4", False),  # a pre-2026-12 "level" was never a pass
        ("none", "none", True),
        ("jlpt_n2", "n3", True),  # an old opening's "n3" means JLPT N3
    ],
)
def test_only_a_passed_result_meets_a_japanese_requirement(passed: str, required: str, meets: bool) -> None:
    assert meets_japanese(passed, required) is meets


def test_each_rule_case_by_case() -> None:
    person, job = Person(), Job()
    assert fits(person, job, NOW)
    assert not fits(replace(person, field="nursing_care"), job, NOW)  # field
    assert not fits(replace(person, education="intermediate"), job, NOW)  # Engineer: no degree, 3 years
    assert fits(replace(person, education="intermediate", experience_years=10), job, NOW)  # E5.1: or 10 years
    care = Job(field="nursing_care", route="ssw", education="intermediate")
    carer = Person(field="nursing_care", education="intermediate")
    assert fits(carer, care, NOW)
    assert not fits(replace(carer, age=17), care, NOW)  # SSW needs 18+
    assert not fits(replace(carer, education="matric"), care, NOW)  # education below the requirement
    assert not fits(replace(carer, japanese_level="studying"), care, NOW)
    assert not fits(carer, replace(care, age_min=26), NOW)
    assert not fits(carer, replace(care, age_max=24), NOW)
    assert fits(carer, replace(care, age_min=25, age_max=25), NOW)
    assert not fits(carer, replace(care, experience_years=4), NOW)
    assert not fits(carer, replace(care, deadline=NOW - timedelta(minutes=1)), NOW)
    assert fits(carer, replace(care, deadline=(NOW + timedelta(days=1)).replace(tzinfo=None)), NOW)  # SQLite


def test_reasons_and_ranking() -> None:
    assert reason(Person()) == "N4 passed, IT degree, 3 years' experience, Lahore"
    assert (
        reason(
            Person(
                field="nursing_care",
                education="intermediate",
                japanese_level="jft_a2_2",
                experience_years=1,
                city="Multan",
            )
        )
        == "JFT-Basic A2.2 passed, intermediate, 1 year's experience, Multan"
    )
    assert rank(Person(japanese_level="jlpt_n3")) > rank(Person(experience_years=9)) > rank(Person())


def draft(**changes: object) -> OpeningDraft:
    base = OpeningDraft(
        employer="Tokyo Soft",
        title="Developer",
        field="it",
        route="engineer_it",
        japanese_level="jlpt_n4",
        education="bachelor",
        age_min=None,
        age_max=35,
        experience_years=0,
        location="Tokyo",
        salary_min_yen=250000,
        salary_max_yen=300000,
        headcount=2,
        deadline=None,
        how_to_apply="OEC",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def lead_payload(name: str, level: str, age: int = 25, experience: int = 2) -> dict[str, object]:
    return {
        "profile": {
            "full_name": name,
            "phone": "+923001234567",
            "city": "Lahore",
            "age": age,
            "education": "bachelor",
            "field": "it",
            "japanese_level": level,
            "experience_years": experience,
            "has_passport": True,
        },
        "consent_at": "2026-11-20T09:00:00+00:00",
        "consent_version": "2026-11-v1",
    }


async def test_fitting_leads_and_openings_from_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    await migrate(url)
    repository = Repository(url)
    service = LeadService(repository)
    await service.store(LeadJob("1", "run", "ur", lead_payload("Ali", "jlpt_n4")))
    await service.store(LeadJob("2", "run", "en", lead_payload("Sara", "jlpt_n3", experience=5)))
    await service.store(LeadJob("3", "run", "en", lead_payload("Bilal", "studying")))
    await service.store(LeadJob("4", "run", "en", lead_payload("Old", "jlpt_n2", age=40)))
    store = OpeningStore(repository)
    fitting, other = await store.add_drafts([draft(), draft(japanese_level="jlpt_n2", title="Senior")])
    leads = await leads_for_opening(repository, fitting, NOW)
    async with repository.session() as session:
        names = {lead.id: lead.full_name for lead in await session.scalars(select(Lead))}
    assert [names[m.lead_id] for m in leads] == ["Sara", "Ali"]  # N3 first; Bilal has no pass, Old is 40
    assert leads[0].reason == "N3 passed, IT degree, 5 years' experience, Lahore"
    ali = leads[1].lead_id
    assert await openings_for_lead(repository, ali, NOW) == []  # a draft is not offered
    await store.set_status(fitting, "published")
    await store.set_status(other, "published")
    assert [m.opening_id for m in await openings_for_lead(repository, ali, NOW)] == [fitting]
    await repository.dispose()
