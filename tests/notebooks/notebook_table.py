"""Copy the Binder proxy's measurements into docs/notebooks.md.

``python tests/notebooks/notebook_table.py [build/notebooks/notebook_runs.json]`` rewrites the
table between ``<!-- notebooks:start -->`` and ``<!-- notebooks:end -->`` from the JSON artefact
that ``tests/notebooks/test_notebooks.py`` writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "notebooks.md"
START, END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"


def table(data: dict) -> str:
    """The Markdown block: where it ran, then one row per notebook."""
    machine = data.get("machine", {})
    cpus, load = machine.get("cpus", "?"), machine.get("load_average_1min", "?")
    rows = [
        f"Measured by `tests/notebooks/test_notebooks.py` in: {data.get('environment', '?')}; "
        f"{cpus} CPUs (1-min load average {load} at the end: other work shared them), "
        f"Python {machine.get('python', '?')}.",
        "",
        "| notebook | status | wall time (s) | peak RSS of the kernel tree (MiB) | measured |",
        "|---|---|---|---|---|",
    ]
    for name, run in sorted(data["notebooks"].items()):
        rows.append(
            f"| `{name}` | {run['status']} | {run['wall_s']:.0f} | {run['peak_rss_mib']:.0f} | "
            f"{run.get('when', '')} |"
        )
    return "\n".join(rows)


def update(page: Path, data: dict) -> str:
    """The page's text with the block between the markers replaced."""
    text = page.read_text()
    if START not in text or END not in text:
        raise ValueError(f"{page} has no {START} … {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table(data)}\n{END}{tail}"


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ROOT / "build" / "notebooks" / "notebook_runs.json"
    PAGE.write_text(update(PAGE, json.loads(source.read_text())))
    print(f"updated {PAGE.relative_to(ROOT)} from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
