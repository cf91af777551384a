"""The hostile-input suite holds at least 100 cases, every module's counted."""

from __future__ import annotations

import importlib
import pkgutil

import tests.hostile
from tests.fixtures.bad.cases import CASES as PARTNER_FILES


def test_the_suite_has_at_least_100_cases() -> None:
    names: set[str] = {f"partner_file:{c.name}" for c in PARTNER_FILES}
    for module in pkgutil.iter_modules(tests.hostile.__path__):
        if not module.name.startswith("test_"):
            continue
        loaded = importlib.import_module(f"tests.hostile.{module.name}")
        cases = getattr(loaded, "CASES", ())
        if cases is PARTNER_FILES:  # the partner-file module runs the cases counted above
            continue
        for case in cases:
            name = f"{module.name}:{getattr(case, 'name', case)}"
            assert name not in names, f"case {name} is listed twice"
            names.add(name)
    assert len(names) >= 100, f"{len(names)} hostile cases"
