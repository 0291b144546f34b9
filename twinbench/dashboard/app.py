"""The Panel page of ``twinbench serve``: a thin layout over :mod:`.forcing` (what to run),
:mod:`.uploads` (checked files), :mod:`.jobs` (Dask) and :mod:`.history` (the run index).

One :class:`Dashboard` is built per browser session; the :class:`~.jobs.Launcher` (the Dask
cluster) and the run root are shared by all sessions of a server.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from twinbench.dashboard import forcing, history, uploads
from twinbench.dashboard.jobs import Launcher
from twinbench.io.inputs import InputError
from twinbench.runs.catalog import open_index

#: How often the page re-reads the run index (ms).
REFRESH_MS = 1000


def _panel():
    try:
        import panel as pn
    except ImportError:
        raise ImportError("the dashboard needs panel: pip install 'twinbench[ui]'") from None
    return pn


def _pre(text: str, css: str) -> str:
    return f'<pre class="{css}" style="white-space: pre-wrap">{html.escape(text)}</pre>'


class Dashboard:
    """The page of one browser session.

    Parameters
    ----------
    root : run root. launcher : the server's Dask launcher. exports : folder for downloads.
    """

    def __init__(self, root: Path, launcher: Launcher, exports: Path):
        pn = _panel()
        pn.extension("tabulator")
        self.root, self.launcher, self.exports = root, launcher, exports
        self.stations_csv: str | None = None
        self.discharges: dict[str, uploads.Discharge] = {}
        self.prediction_future: Any = None
        self.selected: str | None = None
        self.rows: list[dict] = []
        self.shown: tuple[str, str] | None = None
        w = pn.widgets
        self.scenario = w.Select(name="Scenario (domain and model version)")
        self.duration = w.TextInput(name="Duration (e.g. 2h, 3D)", value="2h")
        self.start = w.TextInput(name="Start (UTC, ISO 8601)")
        self.sea_level = w.FloatInput(
            name="Sea-level offset (m)", value=0.0, start=0.0, end=5.0, step=0.05
        )
        self.rivers = pn.Column()
        self.scenario_file = w.FileInput(accept=".yaml,.yml", name="Scenario YAML")
        self.stations_file = w.FileInput(accept=".csv", name="Stations CSV")
        self.discharge_river = w.Select(name="River of the discharge file")
        self.discharge_file = w.FileInput(accept=".csv,.nc", name="Discharge CSV/NetCDF")
        self.message = pn.pane.HTML("", css_classes=["tb-message"], sizing_mode="stretch_width")
        self.workers = w.IntInput(
            name="Dask workers", value=launcher.workers, start=1, end=64,
            disabled=launcher.scheduler is not None,
        )  # fmt: skip
        self.cluster = pn.pane.Markdown("", css_classes=["tb-cluster"])
        self.predict_button = w.Button(name="Predict compute time", css_classes=["tb-predict"])
        self.prediction = pn.pane.Markdown("", css_classes=["tb-prediction"])
        self.launch_button = w.Button(
            name="Launch", button_type="primary", css_classes=["tb-launch"]
        )
        self.table = w.Tabulator(
            pd.DataFrame(columns=list(history.TABLE_COLUMNS)),
            selectable=1, disabled=True, show_index=False, height=260,
            sizing_mode="stretch_width", css_classes=["tb-runs"],
        )  # fmt: skip
        self.title = pn.pane.Markdown("Select a run in the table.", css_classes=["tb-run-title"])
        self.config = pn.pane.HTML("")
        self.log = pn.pane.HTML("")
        self.results = pn.Column(css_classes=["tb-results"])
        self.tabs = pn.Tabs(
            ("Configuration", self.config), ("Log", self.log), ("Results", self.results)
        )
        self._refresh_choices()
        self.scenario.param.watch(lambda _: self._scenario_changed(), "value")
        self.scenario_file.param.watch(lambda e: self._upload("scenario", e.obj), "value")
        self.stations_file.param.watch(lambda e: self._upload("stations", e.obj), "value")
        self.discharge_file.param.watch(lambda e: self._upload("discharge", e.obj), "value")
        self.workers.param.watch(lambda e: self._guard(self.launcher.scale, e.new), "value")
        self.predict_button.on_click(lambda _: self._guard(self._predict))
        self.launch_button.on_click(lambda _: self._guard(self._launch))
        self.table.on_click(self._clicked)
        self._tick()
        pn.state.add_periodic_callback(self._tick, period=REFRESH_MS)

    @property
    def layout(self) -> Any:
        pn = _panel()
        form = pn.Column(
            "### Scenario and forcing",
            self.scenario, self.duration, self.start, self.rivers, self.sea_level,
            "### Upload", self.scenario_file, self.stations_file,
            self.discharge_river, self.discharge_file,
            "### Compute", self.workers, self.cluster, self.predict_button, self.prediction,
            self.launch_button, self.message, width=360,
        )  # fmt: skip
        runs = pn.Column("### Runs", self.table, self.title, self.tabs, sizing_mode="stretch_width")
        return pn.Column(
            "# twinbench simulation dashboard",
            f"Run root: `{self.root}`",
            pn.Row(form, runs, sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    # -- what to run ---------------------------------------------------------------------
    def _refresh_choices(self, selected: str | None = None) -> None:
        self.choices = forcing.scenario_choices(self.root)
        self.scenario.options = list(self.choices)
        self.scenario.value = selected or self.scenario.value or next(iter(self.choices))
        self._scenario_changed()

    def _scenario_changed(self) -> None:
        pn = _panel()
        scenario = forcing.load(self.choices[self.scenario.value])
        self.start.placeholder = scenario.start
        rivers = forcing.river_discharges(scenario)
        self.rivers.objects = [
            pn.widgets.FloatInput(name=f"{name} discharge (m³/s)", value=q, start=0.0)
            for name, q in rivers.items()
            if q is not None
        ]
        self.discharge_river.options = list(rivers)
        self.discharge_river.value = next(iter(rivers), None)
        self.discharges = {}

    def form(self) -> forcing.Form:
        """The form's current values."""
        rivers = {
            box.name.split(" discharge")[0]: box.value
            for box in self.rivers.objects
            if box.value is not None
        }
        return forcing.Form(
            base=self.scenario.value,
            duration=self.duration.value.strip() or None,
            start=self.start.value.strip() or None,
            rivers=rivers,
            sea_level_offset=float(self.sea_level.value or 0.0),
            discharges=dict(self.discharges),
        )

    def document(self) -> dict:
        return forcing.build_document(self.choices[self.scenario.value], self.form())

    # -- actions --------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        style = "color: #b00020; font-weight: bold" if error else "color: #1b5e20"
        self.message.object = f'<div style="{style}">{html.escape(text)}</div>'

    def _guard(self, action, *args) -> None:
        try:
            action(*args)
        except InputError as err:
            self._say(str(err), error=True)

    def _upload(self, kind: str, widget: Any) -> None:
        if widget.value is None:
            return
        name, data = widget.filename or "upload", widget.value
        try:
            if kind == "scenario":
                scenario = uploads.check_scenario(name, data)
                path = forcing.save_scenario(self.root, scenario)
                key = next(k for k, p in forcing.scenario_choices(self.root).items() if p == path)
                self._refresh_choices(key)
                self._say(f"scenario {scenario.name!r} saved to {path.name} and selected")
            elif kind == "stations":
                table = uploads.check_stations(name, data)
                self.stations_csv = table.to_csv(index=False)
                self._say(f"{len(table)} station(s) from {name} will be recorded")
            else:
                river = self.discharge_river.value
                if river is None:
                    raise InputError("this scenario has no rivers to take a discharge file")
                series = uploads.check_discharge(name, data)
                self.discharges[river] = series
                self._say(f"{river}: {series.time.size} discharges from {name}")
        except InputError as err:
            self._say(f"upload refused: {err}", error=True)

    def _predict(self) -> None:
        self.prediction_future = self.launcher.predict(self.document())
        self.prediction.object = "predicting… (builds and compiles the model on a worker)"

    def _launch(self) -> None:
        submission = self.launcher.launch(self.document(), stations_csv=self.stations_csv)
        self._say(f"submitted {submission.name}")

    # -- the run table and the selected run ---------------------------------------------------
    def _tick(self) -> None:
        self.cluster.object = self.launcher.describe()
        future = self.prediction_future
        if future is not None and future.done():
            self.prediction_future = None
            if future.status == "error":
                self.prediction.object = f"prediction failed: {future.exception()}"
            else:
                self.prediction.object = f"**Predicted: {future.result()['text']}**"
        rows = history.table_rows(self.root, self.launcher.waiting)
        if rows != self.rows:
            self.rows = rows
            self.table.value = pd.DataFrame(rows, columns=list(history.TABLE_COLUMNS))
        if self.selected is not None:
            self._show(self.selected)

    def _clicked(self, event: Any) -> None:
        if event.row is not None and 0 <= event.row < len(self.rows):
            self.selected = str(self.rows[event.row]["id"])
            self._show(self.selected)

    def _show(self, run_id: str) -> None:
        try:
            row = open_index(self.root).get(run_id)
        except InputError:
            self.title.object = f"**{run_id}**: waiting for a worker"
            return
        run_id, status = row["id"], row["status"]
        self.title.object = f"**{run_id}**: {status}"
        self.log.object = _pre(history.log_text(self.root, run_id), "tb-log")
        if self.shown == (run_id, status):
            return
        self.shown = (run_id, status)
        self.config.object = _pre(history.configuration(self.root, run_id), "tb-config")
        self.results.objects = self._results(run_id, status)

    def _results(self, run_id: str, status: str) -> list:
        pn = _panel()
        if status != "completed":
            return [pn.pane.Markdown(f"No results: the run is {status}.")]
        downloads = pn.Row(
            pn.widgets.FileDownload(
                callback=lambda: str(history.export_netcdf(self.root, run_id, self.exports)),
                filename=f"{run_id}.nc", label="Download NetCDF", css_classes=["tb-netcdf"],
            ),
            pn.widgets.FileDownload(
                callback=lambda: str(history.export_zarr_zip(self.root, run_id, self.exports)),
                filename=f"{run_id}.zarr.zip", label="Download zarr (zip)",
                css_classes=["tb-zarr"],
            ),
        )  # fmt: skip
        try:
            plot = history.preview(history.open_output(self.root, run_id))
        except InputError as err:
            return [downloads, pn.pane.Markdown(str(err))]
        return [
            downloads,
            pn.pane.HoloViews(plot, backend="bokeh", css_classes=["tb-preview"]),
            self._skill_section(run_id),
        ]

    def _skill_section(self, run_id: str) -> Any:
        """A button that compares the run with the TICON-4 tide at its gauges (report table,
        scatter and harmonic figures), computed on demand."""
        pn = _panel()
        button = pn.widgets.Button(
            name="Skill against the tide gauges (TICON-4)", css_classes=["tb-skill"]
        )
        shown = pn.Column(css_classes=["tb-skill-report"])

        def compute(_: Any) -> None:
            try:
                ds = history.open_output(self.root, run_id)
                found = history.skill(ds, self.exports / f"{run_id}-report")
            except InputError as err:
                shown.objects = [pn.pane.Markdown(f"**No skill report:** {err}")]
                return
            figures = [pn.pane.PNG(str(f), width=420) for f in found.files if f.suffix == ".png"]
            shown.objects = [pn.pane.HTML(found._repr_html_()), pn.Row(*figures[-2:])]

        button.on_click(compute)
        return pn.Column(button, shown)


__all__ = ["REFRESH_MS", "Dashboard"]
