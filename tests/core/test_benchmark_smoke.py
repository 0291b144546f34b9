"""The engine benchmark runs end to end in its quick mode and writes its report tables."""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).parents[2] / "benchmarks" / "bench_engine.py"


def test_quick_benchmark_writes_the_report(tmp_path):
    out = tmp_path / "performance.md"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    text = out.read_text()
    for heading in (
        "### Machine",
        "### Forward throughput",
        "### Ceilings",
        "### Gradient through `core.run`",
    ):
        assert heading in text
    assert "failed" not in text
    assert "| 64² | float32 |" in text and "| 64² | float64 |" in text


def test_report_replaces_only_the_generated_block(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "performance.md"
    out.write_text(f"intro\n{bench.START}\nold numbers\n{bench.END}\noutro\n")
    bench.write(out, f"{bench.START}\nnew numbers\n{bench.END}")
    assert out.read_text() == f"intro\n{bench.START}\nnew numbers\n{bench.END}\noutro\n"
