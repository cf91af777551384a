"""MESS.md: the machine, the command, one table of quality per kind of mess and rate."""

from __future__ import annotations

from typing import Any

from bench.report import machine_lines
from benelink.sample import GROUPS

# Observations on the recorded run, checked by hand; re-check them after a re-run.
NOTES: list[str] = [
    "- Observations below were checked by hand on the run recorded in this file; re-check "
    "them against the tables after a re-run.",
    "- **Nothing is rejected for a missing identifier any more**: the 38–40 rejected rows of "
    "every run are the sample's broken rows (no record id, a repeated id, a row naming no "
    "one). NAF rows without a national number are linked on what they have: at 20 % "
    "(702 NAF–UNHCR true pairs) NAF–UNHCR recall is 0.984 and F1 over every record 0.997 "
    "(when such rows were rejected: 0.104 and 0.965 at 5 %).",
    "- **partner-like**: precision 0.998, recall 0.998, F1 0.998 over every record, "
    "NAF–UNHCR recall 0.978 (133 of 136 pairs; target 0.98), JS–UNHCR 0.999 (the issue's "
    "run: F1 0.960, NAF–UNHCR 0.118). What is left: NAF~NAF precision 0.889 (48 true "
    "pairs): brothers given the same four-part name and the household's phone, which the "
    "model takes for one person despite different birth dates; and NAF–UNHCR pairs whose "
    "first name the cross-script key does not join (آلاء / الاء against Latin Alaa, which "
    "the name table reads as علاء).",
    "- **Identifiers in the wrong column**: recall holds (0.999 at 20 %); the cost is NAF~NAF "
    "precision (0.721 at 20 %): a phone typed in the national-number column is moved to the "
    "phone column, and household members who share that phone and a family's names are "
    "then joined when their other fields are close. JS–UNHCR recall stays 0.999: case "
    "numbers in the job seekers' UNHCR No are read as case numbers.",
    "- **Dates** written with month names, Arabic-Indic digits or two-digit years cost "
    "nothing now (F1 0.999 at 20 %). The share of kept records with a full birth date is "
    "96.1 % at every rate: a 1 January date counts as the year alone (how registries write "
    "an unknown day and month).",
    "- **Phones**: at 20 % only 76.2 % of kept records keep a phone (95.2 % at 0 %), yet "
    "linkage does not move (F1 0.999): the pairs whose phone is lost are found on their "
    "other fields. Data where the phone carries a pair would show it.",
    "- **Multi-word names** cost most in the job seekers' UNHCR pairs (JS–UNHCR recall 0.998 "
    "to 0.994 at 20 %) and in NAF~NAF precision (0.978); job-seeker duplicates stay at "
    "recall 0.989.",
]


def _num(value: object, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float) else "—"


def _sets(kind: str) -> str:
    """What a kind sets at rate r, e.g. ``naf_refugees = 0.75·r, naf_blank_nn = 0.25·r``."""
    if kind not in GROUPS:
        return ""
    at_zero, at_one = GROUPS[kind](0.0), GROUPS[kind](1.0)
    parts = []
    for name, one in at_one.items():
        if at_zero.get(name) == one:
            parts.append(f"`{name}` = {one:g} (fixed)")
        else:
            parts.append(f"`{name}` = {'' if one == 1 else f'{one:g}·'}r")
    return ", ".join(parts)


def _row(point: dict[str, Any]) -> str:
    q, kept = point["quality"], point["kept_quality"]
    rate = "preset" if point["rate"] is None else f"{point['rate']:.0%}"
    if point["status"] != "ok":
        return f"| {point['kind']} | {rate} | failed: `{point['error']}` |" + " |" * 8
    rejected = sum(point["rejected"].values())
    rows = sum(point["rows"].values())
    stops = "".join(f" {s} ✗" for s in point.get("refused", []))
    naf_unhcr = q["by_source_pair"].get("naf~unhcr", {})
    return (
        f"| {point['kind']} | {rate} | {rows:,} | {rejected:,} ({rejected / max(rows, 1):.1%}){stops} | "
        f"{_num(q['precision'])} | {_num(q['recall'])} | **{_num(q['f1'])}** | "
        f"{_num(kept['f1'])} | {_num(naf_unhcr.get('recall'))} | "
        f"{naf_unhcr.get('truth_pairs', 0):,} | {_num(q['by_source_pair'].get('jobseekers~unhcr', {}).get('recall'))} |"
    )


def _fields_table(points: list[dict[str, Any]]) -> list[str]:
    labels = list(dict.fromkeys(k for p in points for k in p.get("fields", {})))
    lines = [
        "| kind | rate | " + " | ".join(labels) + " |",
        "|---|---:|" + "---:|" * len(labels),
    ]
    for p in points:
        rate = "preset" if p["rate"] is None else f"{p['rate']:.0%}"
        held = p.get("fields", {})
        cells = [f"{held[k]:.1%}" if k in held else "—" for k in labels]
        lines.append(f"| {p['kind']} | {rate} | " + " | ".join(cells) + " |")
    return lines


def render(figures: dict[str, Any]) -> str:
    """The whole MESS.md from the figures ``bench.mess`` recorded."""
    people = figures["people"]
    points = figures["points"]
    out = [
        "# benelink as partner-file mess grows",
        "",
        "Generated by `bench/mess.py` (`make bench-mess`); re-run to refresh (the file is "
        "overwritten; `--render-only` rewrites it from MESS.json).",
        "",
        f"- Run: {figures['date']}, {figures['minutes']:.1f} min in all",
        *figures.get("machine", machine_lines()[1:]),
        f"- Command: `{figures['command']}`",
        f"- Sample: `benelink sample --people {people} --seed {figures['seed']} --months "
        f"{figures['month']} --mess <kind>=<rate>` (docs/sample.md), linked with "
        "`config/benelink.toml`'s settings: `benelink.prepare_month` (ingest, validate, "
        "standardise, pseudonymise) then `benelink.link_records`.",
        "",
        "Scored over **every record of the truth file**: a record that validation rejected is "
        "a missed one (its own cluster), so rows lost to validation cost recall. Pairwise "
        "precision / recall / F1 over all record pairs, within and across sources. *F1 kept* "
        "is the same over the records that passed validation only (the figure `benelink "
        "evaluate` gave when issue #16 was filed). *NAF–UNHCR recall* is over the true pairs of a NAF and a "
        "UNHCR record (the graduation programme's overlap; the tidy sample has few: Jordanian "
        "wives of refugee households); *JS–UNHCR recall* the same for job seekers and UNHCR. "
        "*Rejected*: rows validation refused; `naf ✗` marks a source over its reject limit "
        "(5 %), on which `benelink run` would stop (exit 3): the figures are what linking "
        "the kept rows gives.",
        "",
        "| kind | rate | rows | rejected | precision | recall | F1 | F1 kept | "
        "NAF–UNHCR recall | NAF–UNHCR true pairs | JS–UNHCR recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[_row(p) for p in points],
        "",
        "## What the kept records hold once standardised",
        "",
        "Share of the records that passed validation holding each field after "
        "standardisation (all sources together): a mess benelink does not read shows here "
        "even where linkage makes up for it.",
        "",
        *_fields_table(points),
        "",
        "## What each kind sets",
        "",
        "A kind at rate r sets these rates of `benelink.sample.mess.Mess` (the others stay 0); "
        "each rate is described in docs/sample.md.",
        "",
    ]
    kinds = list(dict.fromkeys(p["kind"] for p in points))
    for kind in kinds:
        if kind in GROUPS:
            out.append(f"- **{kind}**: {_sets(kind)}")
        else:
            rates = next(p["rates"] for p in points if p["kind"] == kind)
            shown = ", ".join(f"`{k}` = {v:g}" for k, v in rates.items())
            out.append(f"- **{kind}** (preset): {shown}")
    out.append("")
    if NOTES:
        out += ["## Notes", "", *NOTES, ""]
    return "\n".join(out)
