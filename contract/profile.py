"""Owns the registration profile's vocabulary: its fields in the order asked, and every canonical choice.

Canonical values are stable English keys; the bot's catalogs turn them into words. No imports, so the bot
(Python 3.11) and the action server (Python 3.10) share it.
"""

from __future__ import annotations

MIN_AGE, MAX_AGE = 16, 60
MAX_EXPERIENCE = 45

# The registration profile: its answers in the order they are asked. The one list every part uses
# (the form, the adapter's summary, storage, exports).
PROFILE_FIELDS = (
    "full_name",
    "phone",
    "city",
    "age",
    "education",
    "field",
    "japanese_level",
    "experience_years",
    "has_passport",
)
EDUCATION = ("none", "primary", "matric", "intermediate", "diploma", "bachelor", "master")
FIELDS = (
    "it",
    "nursing_care",
    "building_cleaning",
    "manufacturing",
    "construction",
    "shipbuilding",
    "automobile_repair",
    "aviation",
    "accommodation",
    "agriculture",
    "fishery",
    "food_manufacturing",
    "food_service",
    "automobile_transport",
    "railway",
    "forestry",
    "wood_industry",
    "other",
)
# S2.3: the 16 SSW (i) fields (everything offered except IT and "other"; C0.1: IT is not an SSW field).
SSW_FIELDS = frozenset(FIELDS) - {"it", "other"}
# Japanese as a RESULT the user has passed (C0.8, L3.6): only a passed JLPT level or a JFT-Basic A2.2 (200+)
# counts; "studying" covers every typed answer that names a test without a pass ("JFT ki tayari", "failed jft").
JAPANESE_LEVELS = (
    "none",
    "studying",
    "jlpt_n5",
    "jlpt_n4",
    "jlpt_n3",
    "jlpt_n2",
    "jlpt_n1",
    "jft_a2_2",
    "jft_below_a2_2",
)
# Keys stored by the form before 2026-12, which asked for a "level" and never whether a test was passed:
# readable in stored leads and job openings, never produced again, never read as a pass (CR-1, CR-2).
LEGACY_JAPANESE_LEVELS = ("n5", "n4", "n3", "n2", "n1", "jft_a2")
# L3.1: the general SSW (i) rule is a passed JLPT N4 or higher, or JFT-Basic A2.2 (200+).
PASSED_SSW_GENERAL = frozenset({"jlpt_n4", "jlpt_n3", "jlpt_n2", "jlpt_n1", "jft_a2_2"})
# L3.1, L3.13, C0.6: bus and taxi drivers and railway station/train crew need JLPT N3 or higher.
PASSED_JLPT_N3 = frozenset({"jlpt_n3", "jlpt_n2", "jlpt_n1"})
