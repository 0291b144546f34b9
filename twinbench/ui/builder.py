"""The what-if scenario builder: ipywidgets sliders generated from
:data:`~twinbench.ui.engine.BOUNDS`, a Run button and a progress bar, and holoviews views of
the baseline, the what-if and their
difference. Moving a slider and pressing Run (or calling :meth:`ScenarioBuilder.run`) re-runs
the same compiled program with new values."""

from __future__ import annotations

import time
from typing import Any

import xarray as xr

from twinbench.io.inputs import InputError
from twinbench.ui.engine import BOUNDS, CHANNELS, TIDES, VEGETATION_AREAS, Settings, WhatIfEngine

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
    ):
        self.engine = WhatIfEngine(base, resolution, duration, output_every, dtype)
        self.settings = Settings()
        self.base_run: xr.Dataset | None = None
        self.result: xr.Dataset | None = None
        self.timings: dict[str, float] = {}
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
        """Run the default settings (the baseline the differences are taken against)."""
        self.base_run = self.engine.run(Settings(tide=self.settings.tide))
        return self.base_run

    def run(self) -> xr.Dataset:
        """Run the current settings (and the baseline first if there is none).

        The widget's Run button calls this and redraws its maps; in code, show
        :meth:`views` of the result."""
        clock = time.perf_counter()
        if self.base_run is None or self._tide(self.base_run) != self.settings.tide:
            self.baseline()
        self.result = self.engine.run(self.settings, progress=self._progress)
        self.timings = {"run": time.perf_counter() - clock}
        return self.result

    def _run_and_redraw(self) -> None:
        self.run()
        clock = time.perf_counter()
        self._redraw()
        self.timings["redraw"] = time.perf_counter() - clock

    def views(self, variable: str = "eta") -> dict[str, Any]:
        """The holoviews objects of the last run: ``map``, ``difference``, ``gauges``."""
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
        for name, choices in CHOICES.items():
            self.controls[name] = w.Dropdown(
                options=list(choices),
                value=getattr(self.settings, name),
                description=name.replace("_", " "),
            )
        for name, control in self.controls.items():
            control.observe(lambda change, n=name: self._moved(n, change["new"]), names="value")
        self.variable = w.Dropdown(options=["eta", "speed"], value="eta", description="map")
        self.button = w.Button(description="Run", button_style="primary")
        self.button.on_click(lambda _: self._run_and_redraw())
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="progress")
        self.status = w.HTML()
        self.output = w.Output()
        controls = w.VBox(
            [*self.controls.values(), self.variable, self.button, self.progress, self.status]
        )
        return w.HBox([controls, self.output])

    def _moved(self, name: str, value: Any) -> None:
        try:
            self.settings = self.settings.replace(**{name: value})
        except InputError as err:
            self.status.value = f"<b>{err}</b>"

    def _progress(self, fraction: float) -> None:
        if self._widget is not None:
            self.progress.value = fraction

    def _redraw(self) -> None:
        import holoviews as hv
        from IPython.display import display

        shown = self.views(self.variable.value)
        self.output.clear_output(wait=True)
        with self.output:
            display(hv.Layout([shown["map"], shown["difference"], shown["gauges"]]).cols(2))
        self.status.value = f"ran in {self.timings.get('run', 0):.2f} s" if self.timings else ""


__all__ = ["ScenarioBuilder"]
