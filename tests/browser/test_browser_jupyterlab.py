"""The what-if notebook as a person uses it, in JupyterLab in Chromium: open it, run all cells,
move a slider of the scenario builder, press Run, and see the map drawn — then move it again
and see the map itself change (the plot, not only the status label)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from playwright.sync_api import expect

REPOSITORY = Path(__file__).resolve().parents[2]

NOTEBOOK = "03_whatif_explorer.ipynb"
KERNEL_IDLE = (
    "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status"
    " === 'idle'"
)
#: Every code cell has run (an execution count) and the kernel is idle again.
ALL_RAN = (
    "() => { const nb = window.jupyterapp?.shell.currentWidget;"
    " if (!nb?.content || nb.sessionContext.session?.kernel?.status !== 'idle') return false;"
    " return nb.content.widgets.every(c => c.model.type !== 'code' || c.model.executionCount); }"
)


def _nudge(page, name: str, presses: int) -> None:
    handle = page.locator(f".tb-slider-{name} .noUi-handle").first
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")


def _changed(element, before: bytes, timeout: float = 60.0) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = element.screenshot()
        if now != before:
            return now
        time.sleep(0.5)
    raise AssertionError(f"the map did not change within {timeout:.0f} s")


def test_notebook_runs_and_the_map_follows_a_slider(jupyterlab, page, artefacts):
    shutil.copy(REPOSITORY / "notebooks" / NOTEBOOK, jupyterlab.root / NOTEBOOK)
    page.goto(f"{jupyterlab.base}/lab/tree/{NOTEBOOK}?token=tbtoken&reset")
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RAN, timeout=240_000, polling=1000)
    errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
    assert "Traceback" not in " ".join(errors.all_inner_texts())

    # The builder's widgets carry stable classes (twinbench.ui.builder): tb-slider-<name>,
    # tb-run, tb-status, tb-map (the output holding the maps).
    run = page.locator(".tb-run").first
    run.scroll_into_view_if_needed()
    status = page.locator(".tb-status").first
    plot = page.locator(".tb-map").first
    _nudge(page, "sea_level_rise", 4)
    run.click()
    expect(status).to_contain_text("ran in", timeout=90_000)
    expect(plot.locator("canvas").first).to_be_visible(timeout=60_000)
    time.sleep(1.0)  # let bokeh finish laying out the figures
    first = plot.screenshot()

    _nudge(page, "sea_level_rise", 16)
    run.click()
    _changed(plot, first)
    page.screenshot(path=str(artefacts / "jupyterlab.png"), full_page=True)
