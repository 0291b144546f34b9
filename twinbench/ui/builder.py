"""The what-if scenario builder: ipywidgets sliders generated from
:data:`~twinbench.ui.engine.BOUNDS`, a Run button and a progress bar, and views of the
baseline, the what-if and their difference. Moving a slider and pressing Run (or calling
:meth:`ScenarioBuilder.run`) re-runs the same compiled program with new values; the widget's
maps are drawn once and then updated in place (:mod:`twinbench.ui.live`).

Every widget carries a stable CSS class for browser tests: ``tb-slider-<name>`` (each what-if
slider), ``tb-choice-<name>`` (channel, vegetation area, tide), ``tb-variable``, ``tb-run``,
``tb-progress``, ``tb-status``, ``tb-hours`` (the output time shown) and ``tb-map`` (the
output holding the maps)."""

from __future__ import annotations

import time
from typing import Any

import xarray as xr

from twinbench.io.inputs import InputError
from twinbench.ui.engine import BOUNDS, CHANNELS, TIDES, VEGETATION_AREAS, Settings, WhatIfEngine
from twinbench.ui.live import LiveViews, frames

STEPS = {
    "garonne_factor": 0.05,
    "dordogne_factor": 0.05,
    "sea_level_rise": 0.05,
    "dredge_depth": 0.5,
    "kelp_density": 10.0,
    "wind_speed": 1.0,
    "wind_direction": 15.0,
}
CHOICES = {"channel": CHANNELS, "vegetation_area": VEGETATION_AREAS, "tide": TIDES}


def _widgets():
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "the scenario builder needs ipywidgets: pip install 'twinbench[ui]'"
        ) from None
    return ipywidgets


class ScenarioBuilder:
    """Sliders for the Gironde what-ifs, a Run button, maps and gauge series.

    Parameters
    ----------
    base : the base scenario (``"gironde"``). resolution : ``"coarse"`` (1500 m).
    duration : run length (``"3h"``). output_every : map interval (``"30min"``).
    spin_up : baseline run before the window (``"1D"``; 0 starts every run from rest): the
        window starts at the tide's date from the spun-up baseline state, once per tide
        (:meth:`~twinbench.ui.WhatIfEngine.hot_start`). A 2-day spin-up changes the coarse
        grid's gauge levels in the window by ≤ 1 mm.

    Examples
    --------
    ::

        builder = ScenarioBuilder()
        builder.baseline()                       # the run with every slider at its default
        builder.set(garonne_factor=0.5, sea_level_rise=0.3)
        builder.run()                            # no recompilation
        builder.widget                           # display it in Jupyter
    """

    def __init__(
        self,
        base: Any = "gironde",
        resolution: str = "coarse",
        duration: Any = "3h",
        output_every: Any = "30min",
        dtype: str | None = None,
        spin_up: Any = "1D",
    ):
        self.engine = WhatIfEngine(base, resolution, duration, output_every, dtype, spin_up)
        self.settings = Settings()
        self.base_run: xr.Dataset | None = None
        self.result: xr.Dataset | None = None
        self.timings: dict[str, float] = {}
        self.live: LiveViews | None = None
        self.runs = 0
        self._baselines: dict[str, xr.Dataset] = {}
        self._widget = None

    # -- the programmatic side ------------------------------------------------------------
    def set(self, **values: Any) -> Settings:
        """Set slider values by name (checked: out of range or unknown names raise InputError)."""
        self.settings = self.settings.replace(**values)
        if self._widget is not None:
            for name, value in values.items():
                self.controls[name].value = value
        return self.settings

    def baseline(self) -> xr.Dataset:
        """Run the default settings (the baseline the differences are taken against); kept
        per tide, so going back to a tide does not run its baseline again."""
        tide = self.settings.tide
        if tide not in self._baselines:
            self._baselines[tide] = self.engine.run(Settings(tide=tide))
        self.base_run = self._baselines[tide]
        return self.base_run

    def run(self) -> xr.Dataset:
        """Run the current settings (and the baseline first if there is none).

        The widget's Run button calls this and redraws its maps; in code, show
        :meth:`views` of the result."""
        clock = time.perf_counter()
        if self.base_run is None or self._tide(self.base_run) != self.settings.tide:
            self.baseline()
        self.result = self.engine.run(self.settings, progress=self._progress)
        self.runs += 1
        self.timings = {"run": time.perf_counter() - clock}
        return self.result

    def redraw(self) -> LiveViews:
        """Show the last run in the widget's maps: the first call draws them, later ones give
        the same figures the new arrays (:meth:`LiveViews.update`). Returns the live views."""
        if self.result is None:
            raise InputError("nothing to show yet: call run() first")
        clock = time.perf_counter()
        variable = self.variable.value if self._widget is not None else "eta"
        shown = frames(self.base_run, self.result, variable)
        if self.live is not None and self.live.accepts(shown):
            self.live.update(shown)
        else:
            self.live = LiveViews(shown, index=self._hour_index())
            if self._widget is not None:
                self._show_live()
        self.timings["redraw"] = time.perf_counter() - clock
        return self.live

    def _run_and_redraw(self) -> None:
        try:
            self.run()
            self.redraw()
        except InputError as err:
            self.status.value = f"<b>{err}</b>"
            return
        self.status.value = (
            f"run {self.runs}: ran in {self.timings['run']:.2f} s, "
            f"redrawn in {self.timings['redraw']:.2f} s"
        )

    def views(self, variable: str = "eta") -> dict[str, Any]:
        """The holoviews objects of the last run: ``map``, ``difference``, ``gauges`` (new
        objects each call, for notebooks and reports; the widget redraws in place instead)."""
        from twinbench.ui import views

        if self.result is None:
            raise InputError("nothing to show yet: call run() first")
        return {
            "map": views.field_map(self.result, variable),
            "difference": views.difference_map(self.base_run, self.result, variable),
            "gauges": views.gauge_series(
                self.base_run, self.result, labels=("baseline", "what-if")
            ),
        }

    @staticmethod
    def _tide(run: xr.Dataset) -> str:
        import json

        return json.loads(run.attrs["settings"])["tide"]

    # -- the widget ---------------------------------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self):
        w = _widgets()
        self.controls = {}
        for name, (low, high, units, what) in BOUNDS.items():
            self.controls[name] = w.FloatSlider(
                value=getattr(self.settings, name),
                min=low,
                max=high,
                step=STEPS[name],
                description=name.replace("_", " "),
                tooltip=f"{what} ({units})",
                continuous_update=False,
                style={"description_width": "120px"},
            )
            self.controls[name].add_class(f"tb-slider-{name}")
        for name, choices in CHOICES.items():
            self.controls[name] = w.Dropdown(
                options=list(choices),
                value=getattr(self.settings, name),
                description=name.replace("_", " "),
                style={"description_width": "110px"},
            )
            self.controls[name].add_class(f"tb-choice-{name}")
        for name, control in self.controls.items():
            control.observe(lambda change, n=name: self._moved(n, change["new"]), names="value")
        self.variable = w.Dropdown(
            options=["eta", "speed"],
            value="eta",
            description="map",
            style={"description_width": "110px"},
        )
        self.variable.add_class("tb-variable")
        self.button = w.Button(description="Run", button_style="primary")
        self.button.add_class("tb-run")
        self.button.on_click(lambda _: self._run_and_redraw())
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="progress")
        self.progress.add_class("tb-progress")
        self.status = w.HTML()
        self.status.add_class("tb-status")
        hours = self.engine.times / 3600.0
        self.hours = w.SelectionSlider(
            options=[(f"{h:g} h", k) for k, h in enumerate(hours)],
            value=len(hours) - 1,
            description="time",
            continuous_update=False,
        )
        self.hours.add_class("tb-hours")
        self.hours.observe(lambda change: self._hour_moved(change["new"]), names="value")
        self.output = w.Output()
        self.output.add_class("tb-map")
        # Controls above the views (three columns, then the Run row), so that the two maps
        # side by side get the notebook's whole width (≈ 1000 px in JupyterLab beside its file
        # browser; beside the controls the difference map was cut off).
        sliders = [self.controls[name] for name in BOUNDS]
        half = (len(sliders) + 1) // 2
        columns = w.HBox(
            [
                w.VBox(sliders[:half]),
                w.VBox(sliders[half:]),
                w.VBox([self.controls[name] for name in CHOICES] + [self.variable]),
            ]
        )
        run_row = w.HBox([self.button, self.progress, self.status])
        return w.VBox([columns, run_row, self.output, self.hours])

    def _hour_index(self) -> int:
        return self.hours.value if self._widget is not None else -1

    def _hour_moved(self, index: int) -> None:
        if self.live is not None:
            self.live.show(index)

    def _show_live(self) -> None:
        from IPython.display import display

        self.output.clear_output(wait=True)
        with self.output:
            display(self.live.pane)

    def _moved(self, name: str, value: Any) -> None:
        try:
            self.settings = self.settings.replace(**{name: value})
        except InputError as err:
            self.status.value = f"<b>{err}</b>"

    def _progress(self, fraction: float) -> None:
        if self._widget is not None:
            self.progress.value = fraction


__all__ = ["ScenarioBuilder"]
