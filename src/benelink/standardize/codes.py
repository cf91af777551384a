"""Coded fields: sex and employment status, from every spelling partners use."""

from __future__ import annotations

from functools import cache
from typing import Final

from benelink.standardize._lookup import Vocabulary

_SEX: Final[dict[str, tuple[str, ...]]] = {
    "M": ("ذكر", "male", "m", "1", "1.0", "man", "boy", "h"),
    "F": ("أنثى", "انثى", "انثي", "أنثي", "female", "f", "2", "2.0", "woman", "girl", "fem"),
}
_STATUS: Final[dict[str, tuple[str, ...]]] = {  # keys: EmploymentStatus values
    "employed": ("employed", "employee", "working", "موظف", "موظفة", "يعمل", "تعمل", "عامل"),
    "unemployed": (
        "unemployed", "not employed", "jobless", "job seeker", "not working", "عاطل",
        "عاطلة", "عاطل عن العمل", "باحث عن عمل", "باحثة عن عمل", "لا يعمل", "غير عامل",
    ),
    "in_training": ("in training", "training", "trainee", "تدريب", "متدرب", "متدربة", "قيد التدريب"),
    "self_employed": (
        "self employed", "selfemployed", "self employment", "freelance", "freelancer",
        "own business", "عمل حر", "أعمال حرة", "يعمل لحسابه", "لحسابه الخاص",
    ),
}  # fmt: skip


@cache
def _sex() -> Vocabulary:
    return Vocabulary(_SEX, cutoff=None)  # codes are exact: no fuzzy guessing of a sex


@cache
def _status() -> Vocabulary:
    return Vocabulary(_STATUS, cutoff=88.0)


def sex(text: str) -> str | None:
    """ "M" or "F", or None when the code is unknown."""
    return _sex().lookup(text)


def employment_status(text: str) -> str | None:
    """One of EMPLOYMENT_STATUSES, or None when the value is unknown."""
    return _status().lookup(text)


def is_sex_code(text: str) -> bool:
    """True when ``text`` is exactly one of the known spellings of a sex."""
    return _sex().knows(text)


def is_employment_status(text: str) -> bool:
    """True when ``text`` is exactly one of the known spellings of an employment status."""
    return _status().knows(text)
