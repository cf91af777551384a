"""Side-by-side linkage benchmark: benelink against Splink 5 and the recordlinkage baseline.

``python -m bench.run --out bench/RESULTS.md`` prepares each dataset once, runs
every tool on it in its own subprocess (so wall time and peak memory are that
tool's own), scores the output against the truth and writes a Markdown report.
"""
