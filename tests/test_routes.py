"""The route recommendation case by case (bot/routes.py): only a passed result meets a language rule."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.routes import JAPANESE_LEVEL_LABELS, ROUTE_TEXTS, recommend_route
from contract.profile import JAPANESE_LEVELS, LEGACY_JAPANESE_LEVELS
from tests.test_leads import BASE


@pytest.mark.parametrize(
    ("changes", "route"),
    [
        ({}, "engineer_degree"),
        ({"education": "master"}, "engineer_degree"),
        ({"education": "intermediate", "experience_years": 12}, "engineer_experience"),
        ({"education": "diploma", "experience_years": 3}, "it_no_degree"),
        ({"field": "construction", "education": "matric", "japanese_level": "jlpt_n4"}, "ssw_ready"),
        ({"field": "food_service", "japanese_level": "jft_a2_2"}, "ssw_ready"),
        ({"field": "agriculture", "japanese_level": "jlpt_n1"}, "ssw_ready"),
        # Not passed, or below the pass line (C0.8, L3.6): never "ready".
        ({"field": "construction", "japanese_level": "studying"}, "japanese_first"),
        ({"field": "construction", "japanese_level": "jft_below_a2_2"}, "japanese_first"),
        ({"field": "food_service", "japanese_level": "jlpt_n5"}, "japanese_first"),
        ({"field": "agriculture", "japanese_level": "none"}, "japanese_first"),
        # Keys of the old form were never confirmed passes (CR-1).
        ({"field": "construction", "japanese_level": "n4"}, "japanese_first"),
        ({"field": "construction", "japanese_level": "jft_a2"}, "japanese_first"),
        # Field exceptions (L3.1, L3.13, C0.6).
        ({"field": "nursing_care", "japanese_level": "jft_a2_2"}, "ssw_ready_nursing"),
        ({"field": "nursing_care", "japanese_level": "jlpt_n3"}, "ssw_ready_nursing"),
        ({"field": "nursing_care", "japanese_level": "studying"}, "japanese_first_nursing"),
        ({"field": "automobile_transport", "japanese_level": "jlpt_n4"}, "ssw_transport_n4"),
        ({"field": "railway", "japanese_level": "jft_a2_2"}, "ssw_transport_n4"),
        ({"field": "automobile_transport", "japanese_level": "jlpt_n3"}, "ssw_transport_n3"),
        ({"field": "railway", "japanese_level": "jlpt_n2"}, "ssw_transport_n3"),
        ({"field": "railway", "japanese_level": "jft_below_a2_2"}, "japanese_first_transport"),
        ({"field": "automobile_transport", "japanese_level": "none"}, "japanese_first_transport"),
        ({"field": "construction", "age": 17, "japanese_level": "jlpt_n4"}, "too_young"),
        ({"field": "other", "japanese_level": "jlpt_n4"}, "explore"),
    ],
)
def test_route_recommendation(changes: dict[str, Any], route: str) -> None:
    assert recommend_route(replace(BASE, **changes)) == route


def test_every_route_and_level_has_a_text() -> None:
    fields = ("it", "nursing_care", "construction", "railway", "automobile_transport", "other")
    routes = {
        recommend_route(replace(BASE, field=field, japanese_level=level, age=age, education=education))
        for field in fields
        for level in (*JAPANESE_LEVELS, *LEGACY_JAPANESE_LEVELS)
        for age in (17, 30)
        for education in ("matric", "bachelor")
    }
    assert routes <= set(ROUTE_TEXTS)
    assert set(JAPANESE_LEVELS) - {"none"} | set(LEGACY_JAPANESE_LEVELS) == set(JAPANESE_LEVEL_LABELS)


def test_route_texts_name_the_field_exceptions() -> None:
    assert "Nursing Care Japanese" in ROUTE_TEXTS["ssw_ready_nursing"]
    assert "JLPT N3" in ROUTE_TEXTS["ssw_transport_n4"] and "licence" in ROUTE_TEXTS["ssw_transport_n4"]
    assert "A2.1" in ROUTE_TEXTS["japanese_first"]
    # The general text is conditional on a pass; it no longer states compliance as a fact (CR-2).
    assert ROUTE_TEXTS["ssw_ready"].startswith("If you have passed")


@pytest.mark.parametrize("typed", ["BSCS 6th semester", "bachelor in progress", "graduate nahi", "MBA final year"])
def test_an_unfinished_degree_is_no_degree(typed: str) -> None:
    from actions.validation import parse_education

    assert parse_education(typed) is None, "asked again with the buttons, so the finished level is picked (M-6)"
    assert parse_education("I did BSCS from UET") == "bachelor"


def test_engineer_routes_are_conditional_and_graduates_outside_it_hear_of_the_engineer_visa() -> None:
    from bot.routes import DEGREE_OUTSIDE_IT, ROUTE_ENGINEER_DEGREE, ROUTE_ENGINEER_EXPERIENCE, ROUTE_TEXTS, route_notes

    assert ROUTE_TEXTS[ROUTE_ENGINEER_DEGREE].startswith("If your degree is finished")  # M-6: never "best fit"
    assert "in IT itself" in ROUTE_TEXTS[ROUTE_ENGINEER_EXPERIENCE]  # M-7: experience in the field only
    civil = replace(BASE, field="construction", education="bachelor")
    assert route_notes(civil) == (DEGREE_OUTSIDE_IT,)  # M-8
    assert route_notes(replace(BASE, field="construction", education="matric")) == ()
    assert route_notes(replace(BASE, field="it", education="bachelor")) == ()
