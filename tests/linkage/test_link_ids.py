"""Which pairs may join clusters holding two different id numbers."""

from __future__ import annotations

import numpy as np

from benelink.linkage.compare import COMPARISONS, ids_overridable

COLUMN = {c.name: i for i, c in enumerate(COMPARISONS)}


def _pair(**levels: int) -> np.ndarray:
    row = np.full(len(COMPARISONS), -1, dtype=np.int8)
    for name, level in levels.items():
        row[COLUMN[name]] = level
    return row


def test_typo_or_same_first_name_and_birth_date_override_but_siblings_do_not() -> None:
    rows = np.stack(
        [
            _pair(national_number=2, first_name=0, birth_date=0),  # one-digit typo
            _pair(national_number=1, first_name=0, birth_date=0),  # two-digit typo
            _pair(national_number=0, first_name=4, birth_date=6),  # same person, wrong number
            _pair(national_number=0, first_name=3, birth_date=5),  # spelling + day/month swap
            _pair(national_number=0, first_name=4, birth_date=1, family_name=4, phone=1),
            _pair(national_number=0, first_name=1, birth_date=6, family_name=4),
            _pair(unhcr_individual_id=0, first_name=4, birth_date=0, unhcr_case_id=1),
        ]
    )
    assert ids_overridable(rows, COMPARISONS).tolist() == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_swapped_or_missing_first_name_counts_as_agreement_with_the_birth_date() -> None:
    rows = np.stack(
        [
            _pair(national_number=0, first_name=2, birth_date=6),  # first/family swapped
            _pair(national_number=0, first_name=-1, birth_date=6),  # first name missing
            _pair(national_number=0, first_name=-1, birth_date=0),  # nothing tells them apart
            _pair(national_number=0, first_name=2, birth_date=-1),  # birth date missing
        ]
    )
    assert ids_overridable(rows, COMPARISONS).tolist() == [True, True, False, False]
