"""Splitting full names into Arabic naming parts, compounds kept together."""

from __future__ import annotations

import pytest

from benelink.standardize.names import script_of, split_full_name

SPLITS: list[tuple[str, tuple[str, str, str, str]]] = [
    ("محمد أحمد علي الحريري", ("محمد", "احمد", "علي", "الحريري")),
    ("محمد أحمد الحريري", ("محمد", "احمد", "", "الحريري")),
    ("محمد الحريري", ("محمد", "", "", "الحريري")),
    ("محمد", ("محمد", "", "", "")),
    ("عبد الله محمد عبد الرحمن الزعبي", ("عبد الله", "محمد", "عبد الرحمن", "الزعبي")),
    ("خالد عبد الله ال زعبي", ("خالد", "عبد الله", "", "ال زعبي")),
    ("Abd al-Rahman Mohammad Al-Hariri", ("abd al rahman", "mohammad", "", "al hariri")),
    ("Abdel Rahman Ali Hasan El Masri", ("abdel rahman", "ali", "hasan", "el masri")),
    ("Nour El Din Hasan Ali", ("nour el din", "hasan", "", "ali")),
    ("Abu Bakr Yousef", ("abu bakr", "", "", "yousef")),
    ("Fadl Allah Omar Khaled Ash-Shami", ("fadl allah", "omar", "khaled", "ash shami")),
    ("Mohammad bin Salman Al Saud", ("mohammad", "bin salman", "", "al saud")),
    ("محمد Ahmad العلي", ("محمد", "ahmad", "", "العلي")),
    ("Ahmad Mohammad Ali Hasan Al-Omari", ("ahmad", "mohammad", "ali", "al omari")),
    ("  ", ("", "", "", "")),
]


@pytest.mark.parametrize(("full", "parts"), SPLITS)
def test_split_full_name(full: str, parts: tuple[str, str, str, str]) -> None:
    assert split_full_name(full) == parts


@pytest.mark.parametrize(
    ("text", "script"),
    [("محمد", "arabic"), ("Mohammad", "latin"), ("محمد Ahmad", "mixed"), ("123", "")],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script
