"""Sphinx configuration of the twinbench documentation site (``make docs``).

The user guide is the Markdown pages of ``docs/`` (MyST), the notebooks come from
``notebooks/`` through the ``docs/notebooks`` symbolic link and are executed by myst-nb at
build time (``nb_execution_mode="force"``; a build error if a cell raises). The fast site test
(``tests/notebooks/test_notebooks_docs.py``) builds with ``-D nb_execution_mode=off``.
Everything here works offline: no theme, font or template is downloaded.
"""

from __future__ import annotations

import twinbench

project = "twinbench"
author = "twinbench developers"
copyright = "twinbench developers"
release = twinbench.__version__
version = release

extensions = ["myst_nb"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
# Only the notebooks themselves are pages: not what a notebook run may have left beside them.
exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    "Thumbs.db",
    ".DS_Store",
    "notebooks/*.md",
    "notebooks/*/**",
]
root_doc = "index"
# The index's toctree ends with a `*` glob so that a new user-guide page is listed at once; it
# matches nothing while every page is listed by name.
# HoloViews/Bokeh outputs carry their loader and exec payloads in their own mime types
# (application/vnd.holoviews_load.v0+json, ...), which a static page has no use for: myst-nb
# skips them and would warn once per output.
suppress_warnings = ["toc.empty_glob", "mystnb.unknown_mime_type"]

# MyST: `$…$` maths, `:::` fences, heading anchors for `[text](page.md#section)` links.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 4

# Notebooks: run every one at each build, fail the build on an error, up to 5 min a notebook
# (the test budget is 3 min on 2 cores; the build machine may be slower).
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
# Each notebook runs in a temporary folder: files it writes do not land in the sources.
nb_execution_in_temp = True

html_theme = "sphinx_book_theme"
html_title = f"twinbench {release}"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "navigation_with_keys": False,
}
html_static_path: list[str] = []
