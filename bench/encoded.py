"""F1 cost of linking encoded names: the same records linked in the clear and encoded.

    .venv/bin/python -m bench.encoded                    # committed sample + Jordan 10k
    .venv/bin/python -m bench.encoded --people 100000    # add a larger synthetic month

Each dataset goes through benelink's own ingest, validate and standardise;
then ``link_records`` runs twice on the same records: once on the clear
standardised columns (the default comparison set), once after
``pipelines.encoded.link_inputs`` has encoded every record with a fixed bench
key (Bloom filters, tokens, birth codes; the encoded comparison set). Pairwise
precision, recall and F1 against the truth are printed side by side.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

import benelink
from bench.datasets import jordan
from benelink.anonymize.tokens import pseudonymize
from benelink.config.model import LinkageSettings
from benelink.linkage.evaluate import pairwise_quality
from benelink.linkage.link import link_records
from benelink.pipelines.encoded import link_inputs
from benelink.standardize.identifiers import record_id_column

CONFIG = Path("config/benelink.toml")
BENCH_KEY = bytes(range(32))


def committed_sample(month: str = "2026-11") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committed sample's month through ingest, validate and standardise, and its truth."""
    records = benelink.prepare_month(benelink.load_config(CONFIG), month, None).records
    truth = pd.read_csv(Path("data/sample/truth.csv"), dtype=str)
    truth = truth.rename(columns={"source_record_id": "record_key"})
    # standardised records carry the normalised record id; the truth file has the typed one
    truth["record_key"] = record_id_column(truth["record_key"])
    return records.assign(record_key=records["source_record_id"]), truth


def _quality(records: pd.DataFrame, truth: pd.DataFrame, cluster: object) -> dict[str, float]:
    predicted = pd.DataFrame(
        {
            "source": records["source"].astype(str),
            "record_key": records["record_key"].astype(str),
            "cluster": cluster,
        }
    )
    # kept only: the truth file covers every month of the sample, the records one month
    q = pairwise_quality(predicted, truth.astype(str)).kept_only
    assert q is not None
    return {"precision": q.precision, "recall": q.recall, "f1": q.f1}


def compare(label: str, records: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Link ``records`` in the clear and encoded; print both figures and the F1 difference."""
    settings = LinkageSettings()
    records = records.reset_index(drop=True)
    start = time.perf_counter()
    clear = link_records(records, settings)
    clear_s = time.perf_counter() - start

    start = time.perf_counter()
    inputs = link_inputs(pseudonymize(records, BENCH_KEY), [], BENCH_KEY)
    encode_s = time.perf_counter() - start
    start = time.perf_counter()
    encoded = link_records(inputs.records, settings, form=inputs.form)
    encoded_s = time.perf_counter() - start

    a = _quality(records, truth, clear.cluster)
    b = _quality(records, truth, encoded.cluster)
    print(f"{label}: {len(records):,} records")
    for name, q, seconds, pairs in (
        ("clear", a, clear_s, clear.n_candidate_pairs),
        ("encoded", b, encoded_s, encoded.n_candidate_pairs),
    ):
        print(
            f"  {name:8s} P {q['precision']:.4f}  R {q['recall']:.4f}  F1 {q['f1']:.4f}  "
            f"link {seconds:6.1f} s  candidates {pairs:,}"
        )
    print(f"  encoding {encode_s:.1f} s; F1 cost {100 * (a['f1'] - b['f1']):+.2f} points")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, action="append", default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    compare("committed sample 2026-11", *committed_sample())
    for people in args.people or [10_000]:
        data = jordan(people, args.seed, "2026-11", CONFIG)
        compare(data.name, data.records, data.truth)


if __name__ == "__main__":
    main()
