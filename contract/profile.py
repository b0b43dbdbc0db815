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
JAPANESE_LEVELS = ("none", "studying", "n5", "n4", "n3", "n2", "n1", "jft_a2")
