"""The route recommendation: which legal route fits a finished profile, and what the user is told about it.

Rules and texts rest on facts.md (IDs in the comments) and live only here. Only a *passed* result meets a
language rule (C0.8, L3.6): "studying", a JFT-Basic below A2.2 and the pre-2026-12 "level" keys never do.
"""

from __future__ import annotations

from typing import Protocol

from bot.texts import _
from contract.profile import PASSED_JLPT_N3, PASSED_SSW_GENERAL, SSW_FIELDS

DEGREES = frozenset({"bachelor", "master"})
ENGINEER_EXPERIENCE_YEARS = 10  # E5.1: a related degree, or 10+ years of experience
SSW_MIN_AGE = 18  # D6.1
NURSING_CARE = "nursing_care"  # L3.1, C0.6: also the Nursing Care Japanese Language Evaluation Test
N3_FIELDS = frozenset({"automobile_transport", "railway"})  # L3.1, L3.13, C0.6: N3 for bus, taxi, railway crew

# Route keys, stored with the lead and rendered from ROUTE_TEXTS.
ROUTE_TOO_YOUNG = "too_young"
ROUTE_ENGINEER_DEGREE = "engineer_degree"
ROUTE_ENGINEER_EXPERIENCE = "engineer_experience"
ROUTE_IT_NO_DEGREE = "it_no_degree"
ROUTE_SSW_READY = "ssw_ready"
ROUTE_SSW_READY_NURSING = "ssw_ready_nursing"
ROUTE_SSW_TRANSPORT_N4 = "ssw_transport_n4"
ROUTE_SSW_TRANSPORT_N3 = "ssw_transport_n3"
ROUTE_JAPANESE_FIRST = "japanese_first"
ROUTE_JAPANESE_FIRST_NURSING = "japanese_first_nursing"
ROUTE_JAPANESE_FIRST_TRANSPORT = "japanese_first_transport"
ROUTE_EXPLORE = "explore"


class RouteProfile(Protocol):
    """What the rules read of a profile (bot.leads.Profile has it)."""

    @property
    def age(self) -> int: ...
    @property
    def education(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def japanese_level(self) -> str: ...
    @property
    def experience_years(self) -> int: ...


def recommend_route(profile: RouteProfile) -> str:
    """The most fitting legal route for this profile (a suggestion, never a promise)."""
    if profile.field == "it":
        # C0.1: IT is not an SSW field; R1.5/E5.1: the Engineer visa needs a related degree or 10 years.
        if profile.education in DEGREES:
            return ROUTE_ENGINEER_DEGREE
        if profile.experience_years >= ENGINEER_EXPERIENCE_YEARS:
            return ROUTE_ENGINEER_EXPERIENCE
        return ROUTE_IT_NO_DEGREE
    if profile.field not in SSW_FIELDS:
        return ROUTE_EXPLORE  # R1.1: compare the routes
    if profile.age < SSW_MIN_AGE:
        return ROUTE_TOO_YOUNG  # D6.1: SSW needs 18+
    passed = profile.japanese_level in PASSED_SSW_GENERAL  # L3.1: JLPT N4+ or JFT-Basic A2.2, passed
    if profile.field == NURSING_CARE:
        return ROUTE_SSW_READY_NURSING if passed else ROUTE_JAPANESE_FIRST_NURSING  # L3.1, C0.6
    if profile.field in N3_FIELDS:
        if profile.japanese_level in PASSED_JLPT_N3:
            return ROUTE_SSW_TRANSPORT_N3  # L3.13: N3 covers every job of the field; drivers need a licence
        return ROUTE_SSW_TRANSPORT_N4 if passed else ROUTE_JAPANESE_FIRST_TRANSPORT  # L3.1, L3.13, C0.6
    return ROUTE_SSW_READY if passed else ROUTE_JAPANESE_FIRST  # R1.3, L3.1, K4.1 / L3.12, T9.x


def route_notes(profile: RouteProfile) -> tuple[str, ...]:
    """Advice shown beside the route: a graduate outside IT may also fit the Engineer/Humanities visa (R1.5, M-8)."""
    if profile.field != "it" and profile.education in DEGREES:
        return (DEGREE_OUTSIDE_IT,)
    return ()




# R1.5, E5.1
DEGREE_OUTSIDE_IT = _(
    "With a finished degree, an office or engineering job that matches it (for example engineering, accounting, "
    "sales or translation) may also qualify for the Engineer/Specialist in Humanities/International Services "
    "visa. It needs a job offer from a Japanese employer."
)


# What the user is told after registering, per route key (the adapter renders ROUTE_TEXTS[route]).
ROUTE_TEXTS = {
    # R1.5, E5.1, E5.7
    ROUTE_ENGINEER_DEGREE: _(
        "If your degree is finished and in IT or computer science (or related to the job), the Engineer/Specialist "
        "in Humanities/International Services visa may fit: it needs a job offer from a Japanese employer, a degree "
        "related to the job, and pay equal to a Japanese employee's. A student must finish the degree first. "
        "Next steps: prepare a CV for Japanese IT companies, and study Japanese; many employers ask for it."
    ),
    # E5.1
    ROUTE_ENGINEER_EXPERIENCE: _(
        "Without a related degree, the Engineer visa is possible only if your 10 or more years of experience are "
        "in IT itself and you can prove them with experience letters, plus a job offer from a Japanese employer. "
        "Years of other work do not count. Next steps: collect experience letters and prepare a CV."
    ),
    # C0.1, E5.1
    ROUTE_IT_NO_DEGREE: _(
        "IT is not an SSW field, and the Engineer visa needs a related degree or 10 years of experience. "
        "Next steps: complete a related degree or gain experience, or consider an SSW field that matches your "
        "skills."
    ),
    # R1.3, L3.1, K4.1, K4.4
    ROUTE_SSW_READY: _(
        "If you have passed JLPT N4 (or higher) or JFT-Basic A2.2 (200 points or more), you meet the general "
        "SSW (i) language rule. Next step: pass the skills test of your field (see ssw.go.jp), then look for an "
        "employer through OEC or a licensed promoter. Never pay an agent for a test-and-visa package."
    ),
    # L3.1, C0.6
    ROUTE_SSW_READY_NURSING: _(
        "If you have passed JLPT N4 (or higher) or JFT-Basic A2.2 (200 points or more), you meet the general "
        "SSW (i) language rule. Nursing care also needs the Nursing Care Japanese Language Evaluation Test. "
        "Next step: pass that test and the nursing-care skills test (see ssw.go.jp), then look for an employer "
        "through OEC or a licensed promoter."
    ),
    # L3.1, L3.13, C0.6
    ROUTE_SSW_TRANSPORT_N4: _(
        "A passed JLPT N4 or JFT-Basic A2.2 is enough for truck driving and for railway maintenance and "
        "manufacturing work. Bus and taxi drivers and railway station staff, conductors and train drivers need "
        "JLPT N3 (JFT-Basic does not show that level). ⚠ A 2025 plan may allow N4 for bus and taxi drivers; "
        "check the field policy at moj.go.jp/isa. Drivers also need a Japanese driving licence."
    ),
    # L3.13
    ROUTE_SSW_TRANSPORT_N3: _(
        "If you have passed JLPT N3 (or higher), you meet the language rule of every job in this field, "
        "including bus and taxi drivers and railway crew. Drivers also need a Japanese driving licence, "
        "obtained in Japan after entering on a Designated Activities visa. Next step: the skills test of the field."
    ),
    # L3.1, L3.6, L3.12, T9.1
    ROUTE_JAPANESE_FIRST: _(
        "For SSW (i) you first need to pass JLPT N4 or JFT-Basic A2.2 (200 points or more); A1 and A2.1 "
        "results do not count. Next step: study Japanese (see /help → Learn Japanese), then take the skills "
        "test of your field."
    ),
    # L3.1, L3.6, C0.6
    ROUTE_JAPANESE_FIRST_NURSING: _(
        "For SSW (i) nursing care you first need to pass JLPT N4 or JFT-Basic A2.2 (200 points or more), and "
        "also the Nursing Care Japanese Language Evaluation Test; A1 and A2.1 results do not count. Next step: "
        "study Japanese (see /help → Learn Japanese)."
    ),
    # L3.1, L3.13, C0.6
    ROUTE_JAPANESE_FIRST_TRANSPORT: _(
        "Truck driving and railway maintenance work need a passed JLPT N4 or JFT-Basic A2.2 (200 points or "
        "more); bus and taxi drivers and railway station staff, conductors and train drivers need JLPT N3. "
        "Next step: study Japanese (see /help → Learn Japanese). Drivers also need a Japanese driving licence."
    ),
    # D6.1
    ROUTE_TOO_YOUNG: _("SSW needs you to be at least 18. Meanwhile, start learning Japanese; it takes time."),
    # R1.1
    ROUTE_EXPLORE: _("Compare the legal routes to Japan under /help → Ways to work in Japan to find the best fit."),
}

# How a Japanese result is shown to the user and to staff. The current keys reuse the form's button titles
# (domain.yml, utter_ask_japanese_level), so the catalogs already hold them; older leads keep their keys.
JAPANESE_LEVEL_LABELS = {
    "studying": _("Studying, not passed yet"),
    "jlpt_n5": _("Passed JLPT N5"),
    "jlpt_n4": _("Passed JLPT N4"),
    "jlpt_n3": _("Passed JLPT N3"),
    "jlpt_n2": _("Passed JLPT N2"),
    "jlpt_n1": _("Passed JLPT N1"),
    "jft_a2_2": _("Passed JFT-Basic A2.2 (200+)"),
    "jft_below_a2_2": _("JFT-Basic below A2.2 (A1 / A2.1)"),
    # Stored before 2026-12 by a form that asked for a "level" (CR-1, CR-2): never shown as a pass.
    "n5": _("JLPT N5 (old answer, pass not confirmed)"),
    "n4": _("JLPT N4 (old answer, pass not confirmed)"),
    "n3": _("JLPT N3 (old answer, pass not confirmed)"),
    "n2": _("JLPT N2 (old answer, pass not confirmed)"),
    "n1": _("JLPT N1 (old answer, pass not confirmed)"),
    "jft_a2": _("JFT-Basic (old answer, band not confirmed)"),
}
