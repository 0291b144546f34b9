"""The documentation site builds, offline and without warnings, with notebook execution off:
broken links, toctrees and Markdown fail here; ``make docs`` executes the notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from notebook_table import update

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_site_builds_without_warnings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", "nb_execution_mode=off", "-d", str(tmp_path / "doctrees"),
         str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    html = tmp_path / "html"
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert (html / f"{page.stem}.html").exists(), f"no page built for docs/{page.name}"
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        built = html / "notebooks" / f"{notebook.stem}.html"
        assert built.exists(), f"no page built for notebooks/{notebook.name}"
    index = (html / "index.html").read_text()
    assert "notebooks.html" in index and "validation.html" in index and "performance.html" in index


def test_the_notebook_table_is_written_between_its_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# N\n\n<!-- notebooks:start -->\nold\n<!-- notebooks:end -->\n\nafter\n")
    data = {
        "environment": "fresh venv from binder/",
        "machine": {"cpus": 2, "load_average_1min": 1.5, "python": "3.11.7"},
        "notebooks": {"01_a.ipynb": {"status": "ok", "wall_s": 12.3, "peak_rss_mib": 456.7}},
    }
    text = update(page, data)
    assert "old" not in text and text.endswith("<!-- notebooks:end -->\n\nafter\n")
    assert "| `01_a.ipynb` | ok | 12 | 457 |" in text
    page.write_text("# no markers\n")
    with pytest.raises(ValueError, match="markers"):
        update(page, data)
