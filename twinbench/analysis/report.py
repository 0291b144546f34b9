"""A model-against-observations report for one run: a table, CSV files and PNG figures.

Observations are tide-gauge series: a CF NetCDF (``station, time``; ``sea_surface_height_above_
mean_sea_level`` or ``..._above_reference_datum``), a CSV (``time, station, value`` rows, or a
``time`` column and one column per station; metres) or xarray objects; and, with ``ticon``, the
tide predicted from the shipped TICON-4 constants at the run's gauges. ``docs/skill.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench import tides
from twinbench.analysis.matching import match_stations
from twinbench.analysis.stats import METRICS, harmonic_comparison, series_skill
from twinbench.io.inputs import InputError

LEVEL_NAMES = (
    "sea_surface_height_above_mean_sea_level",
    "sea_surface_height_above_reference_datum",
)
TICON_MAX_DISTANCE = 1_000.0  # m: a run's station this close to a TICON-4 gauge is that gauge


@dataclasses.dataclass(frozen=True)
class Observed:
    """One observed series: water level (m, above MSL) at a station, and where it came from."""

    name: str
    series: xr.DataArray
    source: str
    lon: float = np.nan
    lat: float = np.nan


@dataclasses.dataclass(frozen=True)
class Report:
    """The result of :func:`report`.

    Attributes
    ----------
    table : one row per station: :data:`~twinbench.analysis.stats.METRICS`, ``source``.
    harmonics : one row per station and constituent (:func:`harmonic_comparison` columns).
    series : station → (model, observed) aligned series (m).
    files : what was written (with ``out``).
    notes : stations left out and why.
    """

    table: pd.DataFrame
    harmonics: pd.DataFrame
    series: dict[str, tuple[xr.DataArray, xr.DataArray]]
    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()

    def to_markdown(self, figures: bool = True) -> str:
        """The report as Markdown: tables, notes and (``figures``) links to the PNGs written,
        relative to the report's folder (right for ``report.md``, which sits beside them)."""
        parts = ["# Model against observations", "", "## Series skill", "",
                 _markdown(self.table.round(4))]  # fmt: skip
        if not self.harmonics.empty:
            columns = ["amplitude_ratio", "phase_difference", "time_difference",
                       "vector_difference"]  # fmt: skip
            parts += ["", "## Harmonic comparison", "", _markdown(self.harmonics[columns].round(3))]
        if self.notes:
            parts += ["", "## Notes", ""] + [f"- {note}" for note in self.notes]
        pngs = [p for p in self.files if p.suffix == ".png"]
        if pngs and figures:
            parts += ["", "## Figures", ""] + [f"![{p.stem}]({p.name})" for p in pngs]
        return "\n".join(parts) + "\n"

    def _repr_markdown_(self) -> str:
        # Without the figure links: a notebook's (or a docs page's) folder is not the report's.
        return self.to_markdown(figures=False)

    def _repr_html_(self) -> str:
        html = "<h4>Model against observations</h4>" + self.table.round(4).to_html()
        if not self.harmonics.empty:
            html += "<h4>Harmonic comparison</h4>" + self.harmonics.round(3).to_html()
        if self.notes:
            html += "<ul>" + "".join(f"<li>{n}</li>" for n in self.notes) + "</ul>"
        return html


def _markdown(frame: pd.DataFrame) -> str:
    index = list(frame.index.names) if frame.index.nlevels > 1 else [frame.index.name or ""]
    header = [str(n or "") for n in index] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, row in frame.iterrows():
        keys = key if isinstance(key, tuple) else (key,)
        lines.append("| " + " | ".join(str(v) for v in (*keys, *row.tolist())) + " |")
    return "\n".join(lines)


def open_run(run: Any, *, root: Any = None, index: Any = None) -> xr.Dataset:
    """A run's output from a dataset, a NetCDF/zarr path or a run id of :mod:`twinbench.runs`."""
    if isinstance(run, xr.Dataset):
        return run
    path = Path(str(run))
    if path.exists():
        engine = "zarr" if path.suffix == ".zarr" or path.is_dir() else None
        with xr.open_dataset(path, engine=engine) as ds:
            return ds.load()
    if path.suffix in (".nc", ".zarr"):
        raise InputError(f"run file {str(path)!r} does not exist")
    from twinbench import runs

    return runs.open_run(str(run), root, index=index).load()


def _level(ds: xr.Dataset, what: str) -> tuple[xr.DataArray, bool]:
    for standard_name in LEVEL_NAMES:
        for var in ds.data_vars.values():
            if var.attrs.get("standard_name") == standard_name:
                return var, standard_name.endswith("reference_datum")
    raise InputError(f"{what} has no variable with standard_name in {list(LEVEL_NAMES)}")


def _from_dataset(ds: xr.Dataset, what: str) -> list[Observed]:
    from twinbench.analysis.matching import station_table

    level, datum = _level(ds, what)
    if "station" not in level.dims:
        level = level.expand_dims("station")
    places = station_table(ds)
    out = []
    for k, name in enumerate(places.index):
        series = level.isel(station=k).drop_vars(
            [c for c in level.coords if c != "time"], errors="ignore"
        )
        if datum:
            series = series - series.mean()  # the model is referred to mean sea level
        note = f"{what}" + (" (datum: record mean removed)" if datum else "")
        out.append(Observed(name, series, note, *places.loc[name, ["lon", "lat"]].tolist()))
    return out


def _from_csv(path: Path) -> list[Observed]:
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(f"observations file {str(path)!r} is not a CSV: {err}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    lower = {c.lower(): c for c in frame.columns}
    if "time" not in lower:
        raise InputError(f"observations file {str(path)!r} needs a 'time' column")
    times = pd.to_datetime(frame[lower["time"]], utc=True, errors="coerce").dt.tz_localize(None)
    if times.isna().any():
        raise InputError(f"observations file {str(path)!r}: unreadable times in 'time'")
    frame = frame.assign(**{lower["time"]: times})
    if "station" in lower:
        values = [c for c in frame.columns if c.lower() not in ("time", "station", "lon", "lat")]
        if len(values) != 1:
            raise InputError(
                f"observations file {str(path)!r}: rows of time, station, value need one value "
                f"column, got {values}"
            )
        groups = frame.groupby(lower["station"], sort=False)
        pieces = {str(n): g.set_index(lower["time"])[values[0]] for n, g in groups}
        where = {str(n): (g[lower["lon"]].iloc[0], g[lower["lat"]].iloc[0])
                 for n, g in groups if "lon" in lower and "lat" in lower}  # fmt: skip
    else:
        pieces = {c: frame.set_index(lower["time"])[c] for c in frame.columns if c != lower["time"]}
        where = {}
    out = []
    for name, values in pieces.items():
        numbers = pd.to_numeric(values, errors="coerce")
        series = xr.DataArray(numbers.to_numpy(float), dims="time",
                              coords={"time": values.index.to_numpy()})  # fmt: skip
        lon, lat = where.get(name, (np.nan, np.nan))
        out.append(Observed(name, series, str(path), float(lon), float(lat)))
    return out


def read_observations(observations: Any) -> list[Observed]:
    """Observed series from paths (``.nc``, ``.zarr``, ``.csv``), datasets, named DataArrays,
    :class:`Observed` items, or a list of those."""
    if observations is None:
        return []
    items = observations if isinstance(observations, list | tuple) else [observations]
    out: list[Observed] = []
    for item in items:
        if isinstance(item, Observed):
            out.append(item)
        elif isinstance(item, xr.Dataset):
            out += _from_dataset(item, "the observations dataset")
        elif isinstance(item, xr.DataArray):
            if not item.name:
                raise InputError("an observed DataArray needs a name: its station's")
            out.append(Observed(str(item.name), item, "DataArray"))
        elif isinstance(item, str | Path):
            path = Path(item)
            if not path.exists():
                raise InputError(f"observations file {str(path)!r} does not exist")
            if path.suffix.lower() == ".csv":
                out += _from_csv(path)
            else:
                engine = "zarr" if path.suffix == ".zarr" else None
                with xr.open_dataset(path, engine=engine) as ds:
                    out += _from_dataset(ds.load(), str(path))
        else:
            raise InputError(f"cannot read observations from {type(item).__name__}")
    return out


def _ticon_id(name: str, lon: float, lat: float) -> str | None:
    from twinbench.domains.biscay import STATIONS
    from twinbench.domains.stations import TICON4_FILES

    known = {**TICON4_FILES, **STATIONS}
    if name in known:
        return known[name]
    table = tides.ticon_stations()
    same = table.index[table["name"].str.lower() == name.lower()]
    if len(same):
        return str(same[0])
    if not np.isfinite(lon):
        return None
    dx = np.deg2rad(table["longitude"] - lon) * np.cos(np.deg2rad(lat)) * 6_371_000.0
    dy = np.deg2rad(table["latitude"] - lat) * 6_371_000.0
    distance = np.hypot(dx, dy)
    return str(distance.idxmin()) if distance.min() <= TICON_MAX_DISTANCE else None


def _run_stations(run: xr.Dataset) -> pd.DataFrame:
    if "station_name" not in run.coords and "station_name" not in run:
        return pd.DataFrame(columns=["lon", "lat"])
    lon = (
        run["station_lon"].values if "station_lon" in run else np.full(run.sizes["station"], np.nan)
    )
    lat = (
        run["station_lat"].values if "station_lat" in run else np.full(run.sizes["station"], np.nan)
    )
    return pd.DataFrame({"lon": lon, "lat": lat}, index=run["station_name"].values.astype(str))


def ticon_observations(run: xr.Dataset, times: Any = None) -> list[Observed]:
    """The tide predicted from TICON-4 at each of the run's stations that is a TICON-4 gauge
    (by name, or within :data:`TICON_MAX_DISTANCE`), over the run's times."""
    times = run["time"].values if times is None else times
    out = []
    for name, row in _run_stations(run).iterrows():
        sid = _ticon_id(str(name), row["lon"], row["lat"])
        if sid is None:
            continue
        constants = tides.ticon(sid)
        series = tides.predict(constants, times, latitude=constants.attrs["latitude"])
        out.append(Observed(str(name), series, f"TICON-4 prediction ({sid}, CC-BY-4.0)",
                            row["lon"], row["lat"]))  # fmt: skip
    return out


def _model_series(run: xr.Dataset, obs: Observed, crs: Any) -> xr.DataArray | str:
    names = _run_stations(run).index.tolist()
    if obs.name in names and "station_eta" in run:
        return run["station_eta"].isel(station=names.index(obs.name))
    if "eta" not in run or not np.isfinite(obs.lon):
        return f"{obs.name}: not a station of the run and no position to find it on the grid"
    try:
        cell = match_stations(run, {obs.name: (obs.lon, obs.lat)}, crs=crs).iloc[0]
    except InputError as err:
        return f"{obs.name}: {err}"
    return run["eta"].isel(x=int(cell["i"]), y=int(cell["j"]))


def _spin_up(spin_up: Any) -> np.timedelta64:
    try:
        value = pd.Timedelta(spin_up) if isinstance(spin_up, str) else pd.Timedelta(seconds=spin_up)
    except (ValueError, TypeError):
        raise InputError(
            f"spin_up must be a duration ('1D', '6h' or seconds), got {spin_up!r}"
        ) from None
    if value < pd.Timedelta(0):
        raise InputError(f"spin_up must be ≥ 0, got {spin_up!r}")
    return value.to_timedelta64()


def report(
    run: Any,
    observations: Any = None,
    *,
    ticon: bool | None = None,
    out: str | Path | None = None,
    spin_up: str | float = "1D",
    constituents: str | Sequence[str] = "auto",
    crs: Any = None,
    root: Any = None,
    index: Any = None,
) -> Report:
    """Compare a run's water levels with observed series: skill table, harmonics, figures.

    Parameters
    ----------
    run
        A run output (dataset with ``station_eta`` over ``station, time`` and/or ``eta``
        fields, UTC datetimes), the path of one (``.nc``/``.zarr``) or a stored run's id.
    observations
        Gauge series (:func:`read_observations`): matched to the run's stations by name, or
        by position (``lon``/``lat``) to the nearest wet cell of its ``eta`` fields.
    ticon
        Add the TICON-4 prediction at the run's TICON-4 gauges as observations; default: only
        when no other observations are given.
    out
        Folder for ``report.md``, ``skill.csv``, ``harmonics.csv`` and the PNGs.
    spin_up
        Start of the run left out (the model starts at rest).
    constituents
        For the harmonic comparison (``"auto"``: those the record resolves).
    crs, root, index
        The grid's CRS when the run has none and no scenario; the run store of a run id.
    """
    ds = open_run(run, root=root, index=index)
    if "time" not in ds.coords or not np.issubdtype(ds["time"].dtype, np.datetime64):
        raise InputError("the run needs UTC datetimes on 'time' (run it with a start date)")
    start = ds["time"].values[0] + _spin_up(spin_up)
    if start >= ds["time"].values[-1]:
        raise InputError(
            f"nothing is left of the run ({ds['time'].values[0]} … {ds['time'].values[-1]}) "
            f"after the {spin_up} spin-up: pass a shorter spin_up"
        )
    observed = read_observations(observations)
    if ticon or (ticon is None and not observed):
        observed += ticon_observations(ds)
    if not observed:
        raise InputError("no observations: give some, or a run with TICON-4 gauges (ticon=True)")
    rows, harmonic, series, notes = {}, [], {}, []
    for obs in observed:
        model = _model_series(ds, obs, crs)
        if isinstance(model, str):
            notes.append(model)
            continue
        label = obs.name if obs.name not in rows else f"{obs.name} ({obs.source})"
        model = model.sel(time=slice(start, None))
        try:
            scores = series_skill(model, obs.series)
        except InputError as err:
            notes.append(f"{label}: {err}")
            continue
        rows[label] = {**scores[list(METRICS)].to_dict(), "source": obs.source}
        keep = obs.series.sel(time=slice(scores["start"], scores["end"]))
        series[label] = (model.sel(time=slice(scores["start"], scores["end"])), keep)
        lat = obs.lat if np.isfinite(obs.lat) else None
        try:
            fit = harmonic_comparison(model, obs.series, constituents, latitude=lat)
        except ValueError as err:
            notes.append(f"{label}: no harmonic comparison ({err})")
            continue
        harmonic.append(fit.drop_vars("frequency").to_dataframe().assign(station=label))
    if not rows:
        raise InputError("no observed station could be compared: " + "; ".join(notes))
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("station")
    harmonics = (
        pd.concat(harmonic).reset_index().set_index(["station", "constituent"])
        if harmonic
        else pd.DataFrame()
    )
    result = Report(table, harmonics, series, (), tuple(notes))
    if out is not None:
        result = dataclasses.replace(result, files=write(result, out))
    return result


def write(result: Report, out: str | Path) -> tuple[Path, ...]:
    """Write a :class:`Report`'s CSVs, PNGs and ``report.md`` into the folder ``out``."""
    from twinbench.analysis import report_figures

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / "skill.csv"]
    result.table.to_csv(files[0])
    if not result.harmonics.empty:
        files.append(folder / "harmonics.csv")
        result.harmonics.to_csv(files[-1])
    files += report_figures.draw(result, folder)
    markdown = folder / "report.md"
    markdown.write_text(dataclasses.replace(result, files=tuple(files)).to_markdown())
    return (markdown, *files)
