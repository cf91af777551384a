"""Identity across months, attacked: re-registrations, identifiers that name two people or
disagree with the record id, a damaged or missing kept model, an older state folder, and
the model re-fitted when asked or when the data drifted."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benelink.anonymize.tokens import record_token
from benelink.io.state import CODE_COLUMNS, IDENTIFIER_TOKENS
from tests.helpers import SAMPLE, TEST_KEY, document, table_file
from tests.hostile.harness import MONTH, Workspace, assert_clean_failure, assert_no_leak

KEY = bytes.fromhex(TEST_KEY)


@dataclass(frozen=True)
class Case:
    name: str


CASES = [
    Case("re_registered_job_seeker_keeps_the_id"),
    Case("identifier_token_known_under_two_ids_is_not_used"),
    Case("record_id_wins_over_a_disagreeing_national_number"),
    Case("damaged_kept_model_is_refused_in_one_line"),
    Case("registry_without_identifier_columns_still_read"),
    Case("refit_model_when_asked"),
    Case("refit_model_when_drift_beyond_the_bound"),
    Case("kept_model_used_and_written_to_the_state"),
]


def _workspace(tmp_path: Path, october: Path) -> Workspace:
    """October run; November's full sample files in place."""
    ws = Workspace.create(tmp_path, october, month_files=False)
    shutil.rmtree(ws.folder)
    shutil.copytree(SAMPLE / MONTH, ws.folder)
    return ws


def _seekers(ws: Workspace) -> pd.DataFrame:
    return pd.read_csv(ws.folder / "jobseekers.csv", dtype=str, keep_default_na=False)


def _ids(ws: Workspace, month: str) -> pd.Series:
    records = pd.read_parquet(table_file(ws.out, month, "records"))
    return records.set_index("record_token")["beneficiary_id"]


def _report(ws: Workspace, month: str = MONTH) -> dict:  # type: ignore[type-arg]
    path = document(ws.out, month, "report.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _a_seeker_in_both_months(ws: Workspace) -> tuple[int, str]:
    """Row and id of a November job seeker with a national number, known in October."""
    seekers, october = _seekers(ws), _ids(ws, "2026-10")
    counts = seekers["National Number"].value_counts()
    for i, row in seekers.iterrows():
        token = record_token(KEY, "jobseekers", row["Seeker ID"])
        if row["National Number"] and counts[row["National Number"]] == 1 and token in october:
            return int(str(i)), str(october[token])
    raise AssertionError("no such job seeker in the sample")


def _rewrite_registry(ws: Workspace, change) -> None:  # type: ignore[no-untyped-def]
    path = ws.out / "state" / "identities-2026-10.parquet"
    table = pq.read_table(path)
    frame = change(table.to_pandas())
    out = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(
        table.schema.metadata
    )
    pq.write_table(out, path)


def _unhcr_tokens(ids: pd.Series) -> list[str]:
    return [record_token(KEY, "unhcr", str(v)) for v in ids]


def test_a_unhcr_re_registration_keeps_the_id_by_name_and_birth_date(
    tmp_path: Path, october: Path
) -> None:
    """A new individual id, so no token carries the person: their person keys do."""
    ws = _workspace(tmp_path, october)
    refugees = pd.read_csv(ws.folder / "unhcr.csv", dtype=str, keep_default_na=False)
    october_ids = _ids(ws, "2026-10")
    alone = october_ids[~october_ids.duplicated(keep=False)]  # people of one record
    chosen = [
        (i, token)
        for i, token in zip(refugees.index, _unhcr_tokens(refugees["Individual ID"]), strict=True)
        if token in alone.index and refugees.at[i, "Date of Birth"]
    ]
    assert chosen, "no single-record refugee with a birth date in the sample"
    row, token = chosen[0]
    refugees.at[row, "Individual ID"] = "945-99999999"
    refugees.at[row, "Phone Number"] = ""  # nothing but the name and birth date is left
    refugees.to_csv(ws.folder / "unhcr.csv", index=False)
    result = ws.run()
    assert result.exit_code == 0, result.output
    assert _ids(ws, MONTH)[record_token(KEY, "unhcr", "945-99999999")] == alone[token]
    assert _report(ws)["beneficiaries"]["re_registered"] >= 1
    assert_no_leak(result, ws.out)


def test_a_re_registered_job_seeker_keeps_the_id(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    row, known = _a_seeker_in_both_months(ws)
    seekers = _seekers(ws)
    seekers.at[row, "Seeker ID"] = "JS-7777777"
    seekers.to_csv(ws.folder / "jobseekers.csv", index=False)
    result = ws.run()
    assert result.exit_code == 0, result.output
    assert _ids(ws, MONTH)[record_token(KEY, "jobseekers", "JS-7777777")] == known
    assert_no_leak(result, ws.out)


def test_an_identifier_token_known_under_two_ids_is_not_used(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    row, known = _a_seeker_in_both_months(ws)

    def share(frame: pd.DataFrame) -> pd.DataFrame:
        mine = frame["beneficiary_id"] == known
        shared = frame.loc[mine, IDENTIFIER_TOKENS[0]].dropna().iloc[0]
        other = frame.index[~mine & frame[IDENTIFIER_TOKENS[0]].isna()][0]
        frame.loc[other, IDENTIFIER_TOKENS[0]] = shared  # a second id, the same token
        return frame

    _rewrite_registry(ws, share)
    seekers = _seekers(ws)
    seekers.at[row, "Seeker ID"] = "JS-7777777"
    seekers.to_csv(ws.folder / "jobseekers.csv", index=False)
    result = ws.run()
    assert result.exit_code == 0, result.output
    # the token names two people: it carries nobody (the linkage may still find them)
    report = _report(ws)
    assert report["beneficiaries"]["re_registered"] == 0


def test_the_record_id_wins_over_a_disagreeing_national_number(
    tmp_path: Path, october: Path
) -> None:
    ws = _workspace(tmp_path, october)
    row, known = _a_seeker_in_both_months(ws)
    seekers = _seekers(ws)
    other = seekers.index[(seekers["National Number"] != "") & (seekers.index != row)][0]
    seekers.at[row, "National Number"] = seekers.at[other, "National Number"]  # a typo
    seekers.to_csv(ws.folder / "jobseekers.csv", index=False)
    result = ws.run()
    assert result.exit_code == 0, result.output
    token = record_token(KEY, "jobseekers", seekers.at[row, "Seeker ID"])
    assert _ids(ws, MONTH)[token] == known


def test_a_damaged_kept_model_is_refused_in_one_line(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    (ws.out / "state" / "model-2026-10.json").write_text('{"format": 1, "compar', encoding="utf-8")
    before = ws.guarded()
    result = ws.run()
    assert_clean_failure(
        result, 2, ("model-2026-10.json", "--refit-model"), before=before, workspace=ws
    )


def test_a_registry_without_identifier_columns_is_still_read(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    _rewrite_registry(ws, lambda f: f.drop(columns=[*IDENTIFIER_TOKENS, *CODE_COLUMNS]))
    (ws.out / "state" / "model-2026-10.json").unlink()  # a state folder of an older release
    result = ws.run()
    assert result.exit_code == 0, result.output
    assert _report(ws)["linkage"]["model"]["status"] == "fitted"
    registry = pq.read_table(ws.out / "state" / f"identities-{MONTH}.parquet")
    assert set(IDENTIFIER_TOKENS) <= set(registry.column_names)


def test_the_model_is_refitted_when_asked(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    result = ws.invoke("run", "--month", MONTH, "--refit-model")
    assert result.exit_code == 0, result.output
    model = _report(ws)["linkage"]["model"]
    assert (model["status"], model["fitted_month"]) == ("refitted", MONTH)
    assert "asked" in model["reason"]
    kept = json.loads((ws.out / "state" / f"model-{MONTH}.json").read_text(encoding="utf-8"))
    assert kept["fitted_month"] == MONTH


def test_the_model_is_refitted_when_the_data_drifted(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    ws.edit_config(lambda t: t.replace("[linkage]", "[linkage]\ndrift_max_change = 0.000001", 1))
    result = ws.run()
    assert result.exit_code == 0, result.output
    model = _report(ws)["linkage"]["model"]
    assert model["status"] == "refitted" and model["reason"].startswith("drift:")


def test_unchanged_pairs_keep_their_decisions_when_the_model_is_refitted(
    tmp_path: Path, october: Path
) -> None:
    ws = _workspace(tmp_path, october)
    ws.edit_config(lambda t: t.replace("[linkage]", "[linkage]\ndrift_max_change = 0.000001", 1))
    result = ws.run()
    assert result.exit_code == 0, result.output
    assert _report(ws)["linkage"]["model"]["status"] == "refitted"
    before, now = (
        pq.read_table(ws.out / "state" / f"identities-{m}.parquet").to_pandas()
        for m in ("2026-10", MONTH)
    )
    both = before.merge(now, on="record_token", suffixes=("_then", "_now"))
    same = both.loc[
        (both["record_digest_then"] == both["record_digest_now"])
        & (both["last_seen_month_now"] == MONTH),
        "record_token",
    ]
    assert len(same) > 100  # most records did not change

    def among_unchanged(month: str) -> pd.DataFrame:
        links = pd.read_parquet(table_file(ws.out, month, "links"))
        inside = links["left_token"].isin(same) & links["right_token"].isin(same)
        return links[inside].set_index(["left_token", "right_token"]).sort_index()

    then, kept = among_unchanged("2026-10"), among_unchanged(MONTH)
    assert then.index.equals(kept.index)  # none linked anew, none unlinked
    assert (then["probability"] == kept["probability"]).all()
    # the scored decision; whether clustering kept a match apart depends on other records
    scored = {"match_kept_apart": "match"}
    assert (then["decision"].replace(scored) == kept["decision"].replace(scored)).all()
    assert (kept["decided_by"] == "last_month").any()  # the refit would have moved them


def test_the_kept_model_is_used_and_written_to_the_state(tmp_path: Path, october: Path) -> None:
    ws = _workspace(tmp_path, october)
    result = ws.run()
    assert result.exit_code == 0, result.output
    report = _report(ws)
    model = report["linkage"]["model"]
    assert (model["status"], model["fitted_month"]) == ("kept", "2026-10")
    october_model = json.loads((ws.out / "state" / "model-2026-10.json").read_text("utf-8"))
    kept = json.loads((ws.out / "state" / f"model-{MONTH}.json").read_text(encoding="utf-8"))
    assert kept["comparisons"] == october_model["comparisons"]  # the very same parameters
    assert kept["prior"] == october_model["prior"]
    assert abs(kept["prior"] - report["linkage"]["prior_match_probability"]) < 1e-8
    html = document(ws.out, MONTH, "report.html").read_text(encoding="utf-8")
    assert "Link model: kept, fitted in 2026-10" in html
    assert "link model (kept)" in result.stdout
