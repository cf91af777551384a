"""The mess sweep on tiny data, so it cannot rot; a rejected record scored as a missed one."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bench.mess import KEY, main, score, sweep
from benelink.anonymize.tokens import record_tokens
from benelink.sample import PRESETS, group_mess


def _records(keys: list[tuple[str, str]]) -> pd.DataFrame:
    sources = pd.Series([s for s, _ in keys])
    ids = pd.Series([i for _, i in keys])
    return pd.DataFrame({"source": sources, "record_token": record_tokens(sources, ids, KEY)})


def test_a_record_validation_dropped_is_a_missed_one() -> None:
    truth = pd.DataFrame(
        {
            "source": ["naf", "unhcr", "jobseekers", "naf"],
            "source_record_id": ["1", "945-1", "JS-1", "2"],
            "person_id": ["P1", "P1", "P1", "P2"],
        }
    )
    # the job-seeker record was rejected: only three records reached the linkage
    records = _records([("naf", "1"), ("unhcr", "945-1"), ("naf", "2")])
    every, kept = score(records, ["a", "a", "b"], truth)
    assert (kept.true_positive_pairs, kept.truth_pairs, kept.recall) == (1, 1, 1.0)
    assert (every.true_positive_pairs, every.truth_pairs) == (1, 3)
    assert every.recall == pytest.approx(1 / 3) and every.precision == 1.0
    assert every.by_source_pair["naf~unhcr"]["recall"] == 1.0


def test_the_sweep_grows_one_kind_at_a_time_then_the_preset() -> None:
    points = sweep(("dates", "wrong_column"), (0.0, 0.2))
    assert [(p.kind, p.rate) for p in points] == [
        ("dates", 0.0),
        ("dates", 0.2),
        ("wrong_column", 0.0),
        ("wrong_column", 0.2),
        ("partner-like", None),
    ]
    assert points[0].mess.tidy and points[1].mess == group_mess("dates", 0.2)
    assert points[-1].mess == PRESETS["partner-like"]


@pytest.mark.slow
def test_the_sweep_writes_its_page_and_figures(tmp_path: Path) -> None:
    out = tmp_path / "MESS.md"
    args = ["--out", str(out), "--people", "300", "--kinds", "dates,naf_without_nn"]
    main([*args, "--rates", "0,0.2", "--no-preset", "--workdir", str(tmp_path / "work")])
    figures = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [(p["kind"], p["rate"]) for p in figures["points"]] == [
        ("dates", 0.0),
        ("dates", 0.2),
        ("naf_without_nn", 0.0),
        ("naf_without_nn", 0.2),
    ]
    tidy, _, same, refugees = figures["points"]
    assert tidy["status"] == "ok" and tidy["quality"] == same["quality"]  # measured once
    assert len(list((tmp_path / "work").iterdir())) == 3
    assert 0.9 < tidy["quality"]["f1"] <= 1.0
    # refugee households on NAF: more NAF rows, many more true NAF-UNHCR pairs to find
    assert refugees["rows"]["naf"] > tidy["rows"]["naf"]
    naf_unhcr = [
        p["quality"]["by_source_pair"]["naf~unhcr"]["truth_pairs"] for p in (tidy, refugees)
    ]
    assert naf_unhcr[1] > 5 * max(naf_unhcr[0], 1)
    page = out.read_text(encoding="utf-8")
    assert "| naf_without_nn | 20% |" in page and "python -m bench.mess --out" in page
    assert "`naf_refugees` = 0.75·r" in page
    before = page
    out.write_text("", encoding="utf-8")
    main(["--out", str(out), "--render-only"])
    assert out.read_text(encoding="utf-8").split("- Machine")[1] == before.split("- Machine")[1]
