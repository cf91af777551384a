"""MONTHS.md: the command, the machine, one row per month, and the issue #17 targets."""

from __future__ import annotations

from typing import Any

# Observations on the recorded run, checked by hand; re-check them after a re-run.
NOTES: list[str] = [
    "- Observations below were checked by hand on the run recorded in this file (ids carried "
    "through record-id and identifier tokens, the link model kept from month to month); "
    "re-check them against the tables after a re-run.",
    "- **Re-registrations are still most of the lost ids.** 47–63 % of the 69–92 records a "
    "month re-registered under a new record id keep their person's id (22–42 % when ids "
    "were carried by record ids alone). A re-registration carrying a national number or UNHCR "
    "individual id the registry knows under one id keeps it; what is still lost are UNHCR "
    "re-registrations (the record id is the individual id, so a new registration brings a "
    "new one) and job seekers without a national number: they need this month's records "
    "linked against last month's people, which benelink does not do yet. Month to month "
    "99.1–99.4 % of people keep their ids (before: 98.6–99.0 %; target 99.8 %); from January "
    "to August 93.5 % (before: 89.9 %; target 99 %).",
    "- **The flows are off the same way, less**: each lost id is counted once as exited and "
    "once as new, so *new* is overstated by 17–34 % and *exited* by 19–46 % (before: 27–54 % "
    "and 32–75 %); *continuing* is 1 % short.",
    "- **Decisions on unchanged records**: no pair of byte-identical records changed cluster "
    "in any month; 25 scored pairs changed decision in all (12 in May, 11 in July, the other "
    "months 0–1). Which model each month used (kept, or fitted again on drift past the "
    "bound in docs/linkage.md) is in MONTHS.json from the next run on; this run did not "
    "record it, so the cause of those two months is not yet checked.",
    "- **False continuity**: 2 earlier ids in seven months were also given to a person who "
    "never held them (two people merged under one id); no id passed wholly to someone "
    "else. Fragmentation stays at 1–3 people a month.",
    "- **Linkage within a month is not the problem**: F1 over every record is 0.998–0.999 "
    "each month. A month runs in 9–54 s at 5,000 people on this shared 2-core machine (other "
    "sessions were running at the same time; the figures above do not depend on it).",
]

TARGETS = (
    ("consecutive months: people keeping all their ids", ">= 99.8 %"),
    ("first to last month: people keeping all their ids", ">= 99 %"),
    ("decision flips between unchanged records", "0"),
    ("new and exited against the truth", "within 1 %"),
    ("earlier ids now held by someone else", "0"),
)


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def _share(d: dict[str, int] | None) -> str:
    if not d:
        return "–"
    share = d["hits"] / d["total"] if d["total"] else 1.0
    return f"{_pct(share)} ({d['hits']:,}/{d['total']:,})"


def _flow(row: dict[str, Any], name: str) -> str:
    got, true = row["reported"][name], row["truth"][name]
    off = (got - true) / true if true else (0.0 if not got else float("inf"))
    return f"{got:,} / {true:,} ({off:+.0%})"


def error(row: dict[str, Any], name: str) -> float:
    """Reported against true, as a share of the truth (0 when both are 0)."""
    got, true = int(row["reported"][name]), int(row["truth"][name])
    if not true:
        return 0.0 if not got else float("inf")
    return abs(got - true) / true


def targets(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, bool]]:
    """Each target: what it asks, what the run reached (worst month), met or not."""
    later = rows[1:]
    worst = min(
        (r["retention"]["hits"] / max(r["retention"]["total"], 1) for r in later), default=1.0
    )
    last = rows[-1].get("retention_from_first", {"hits": 0, "total": 0})
    first_last = last["hits"] / last["total"] if last["total"] else 1.0
    flips = sum(r["cluster_flips"] + r["link_flips"] for r in later)
    flow = max((max(error(r, "new"), error(r, "exited")) for r in later), default=0.0)
    stolen = sum(r["false_continuity"]["gained"] for r in later)
    reached = (
        (f"{_pct(worst)} (worst month)", worst >= 0.998),
        (_pct(first_last), first_last >= 0.99),
        (f"{flips:,} (cluster + link, all months)", flips == 0),
        (f"{flow:.0%} off (worst month)", flow <= 0.01),
        (f"{stolen:,} (all months)", stolen == 0),
    )
    return [(t, want, got, ok) for (t, want), (got, ok) in zip(TARGETS, reached, strict=True)]


def render(figures: dict[str, Any]) -> str:
    """The page, from the figures ``bench.months`` wrote to MONTHS.json."""
    rows = figures["months"]
    lines = [
        "# Identity across months",
        "",
        "How stable the beneficiary ids are over eight months of churn (issue #17): a series",
        "from `benelink sample --churn`, run month by month in order into one output folder",
        "(`benelink.run_month`) and measured against each month's truth. Generated by:",
        "",
        "```",
        f"make bench-months   # {figures['command']}",
        "```",
        "",
        f"- {figures['people']:,} people, seed {figures['seed']}, churn `{figures['churn']}` "
        f"({', '.join(f'{k}={v:g}' for k, v in figures['rates'].items()) or 'none'}); "
        f"{figures['minutes']:.1f} minutes in all",
        f"- Run: {figures['date']}",
        *figures["machine"],
        "",
        "## Targets",
        "",
        "| target | asks | reached | met |",
        "|---|---|---|---|",
    ]
    for target, want, got, ok in targets(rows):
        lines.append(f"| {target} | {want} | {got} | {'yes' if ok else '**no**'} |")
    lines += [
        "",
        "## Month by month",
        "",
        "Ids kept: people present last month too whose records carry exactly last month's ids "
        "(none lost, none added); from the first: the same against the first month. "
        "Fragmented: people with more than one id this month. Someone else: earlier ids "
        "now also held by a person who never held them (held only by such people). Flips: "
        "pairs of records byte-identical to last month that were together and are now apart "
        "or the reverse (clusters), or whose scored decision changed (links). Flows: "
        "report.json / truth.",
        "",
        "| month | records | people | F1 | ids kept | from the first | fragmented | someone else "
        "| flips (clusters / links) | re-registrations kept | new | continuing | returning "
        "| exited | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cont = r.get("false_continuity")
        someone = f"{cont['gained']:,} ({cont['passed']:,})" if cont else "–"
        flips = (
            f"{r['cluster_flips']:,} / {r['link_flips']:,} of {r['unchanged_records']:,}"
            if "cluster_flips" in r
            else "–"
        )
        lines.append(
            f"| {r['month']} | {r['records']:,} | {r['people']:,} | {r['f1']:.4f} "
            f"| {_share(r.get('retention'))} | {_share(r.get('retention_from_first'))} "
            f"| {_share(r['fragmented'])} "
            f"| {someone} | {flips} "
            f"| {_share(r.get('reregistrations'))} "
            f"| {_flow(r, 'new')} | {_flow(r, 'continuing')} | {_flow(r, 'returning')} "
            f"| {_flow(r, 'exited')} | {r['seconds']:.1f} |"
        )
    if NOTES:
        lines += ["", "## Notes", "", *NOTES]
    return "\n".join(lines) + "\n"
