"""Indicators and alerts: threshold rules as data → alert tables; 10-day and 3-month summaries.

A rule is a small mapping (YAML or dict)::

    {name: bordeaux-quays, variable: station_eta, station: Bordeaux, threshold: 3.5,
     direction: above, duration: 30, level: warning, source: "..."}

``variable`` is a station series of a run (``station_eta`` m, ``station_salinity`` g/kg,
``station_suspended_sediment`` kg m⁻³, ...) with ``station: <name>``, or a field (``eta``,
``salinity``, ...) with ``point: [x, y]`` in the run's grid coordinates (m). ``duration``
(minutes, or a string such as ``"1h"``; default 0) is how long the condition must hold, from the
first to the last output time of an episode. ``level`` is ``info``, ``warning`` or ``danger``.

:func:`evaluate` applies rules to a run or to an ensemble (a ``member`` dimension) and returns
one row per episode; :func:`summary` gives daily figures over a horizon (10 days by default);
:func:`trend` rolling means and monthly linear trends over a longer (3-month) series.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from twinbench.io.inputs import InputError, parse_seconds

LEVELS = ("info", "warning", "danger")
DIRECTIONS = ("above", "below")
RULE_KEYS = {"name", "variable", "station", "point", "threshold", "direction", "duration",
             "level", "source"}  # fmt: skip
COLUMNS = ["rule", "place", "start", "end", "peak", "peak_time", "probability", "level"]

#: Default rules for the Gironde. Water levels are the model's ``station_eta`` (m above mean
#: sea level); press and Vigicrues heights at Bordeaux are above the local chart datum, taken
#: here as 2.9 m below mean sea level [assumed: not from a levelling survey].
GIRONDE_RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "bordeaux-high-water",
        "variable": "station_eta",
        "station": "Bordeaux",
        "threshold": 3.0,
        "direction": "above",
        "level": "info",
        "source": "[assumed] a high spring tide at Bordeaux (spring range ≈ 5.2–5.3 m, "
        "docs/gironde.md); no overflow expected",
    },
    {
        "name": "bordeaux-quays-overflow",
        "variable": "station_eta",
        "station": "Bordeaux",
        "threshold": 3.5,
        "direction": "above",
        "duration": 30,
        "level": "warning",
        "source": "SPC Gironde-Adour-Dordogne forecasts of Nov 2019 (orange vigilance): "
        "6.44–6.65 m at Bordeaux 'likely to cause overflows' (France Bleu, 25 Nov 2019) → 6.4 m "
        "chart datum − 2.9 m [assumed datum offset]",
    },
    {
        "name": "bordeaux-1999-flood",
        "variable": "station_eta",
        "station": "Bordeaux",
        "threshold": 4.15,
        "direction": "above",
        "level": "danger",
        "source": "record of the December 1999 storm, 7.05 m at Bordeaux (prefecture, Feb 2014)"
        " → 7.05 m chart datum − 2.9 m [assumed datum offset]",
    },
    {
        "name": "pauillac-intake-salinity",
        "variable": "station_salinity",
        "station": "Pauillac",
        "threshold": 1.0,
        "direction": "above",
        "duration": 60,
        "level": "warning",
        "source": "[assumed] a freshwater intake at Pauillac stops pumping above 1 g/kg "
        "(for scale: the drinking-water chloride limit, 250 mg/L, is about 0.45 g/kg)",
    },
    {
        "name": "bordeaux-berth-turbidity",
        "variable": "station_suspended_sediment",
        "station": "Bordeaux",
        "threshold": 5.0,
        "direction": "above",
        "duration": 120,
        "level": "info",
        "source": "[assumed] fluid-mud risk at a Bordeaux berth above 5 kg/m3 (turbidity "
        "maximum of several g/L, Jalón-Rojas et al. 2015)",
    },
)


@dataclasses.dataclass(frozen=True)
class Rule:
    """A threshold rule (see the module doc); ``duration`` is stored in seconds."""

    name: str
    variable: str
    threshold: float
    direction: str = "above"
    level: str = "warning"
    station: str | None = None
    point: tuple[float, float] | None = None
    duration: float = 0.0
    source: str = ""

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], where: str = "rule") -> Rule:
        """A rule from its mapping; raises :class:`InputError` naming the bad key."""
        if not isinstance(spec, Mapping):
            raise InputError(f"{where} must be a mapping of {sorted(RULE_KEYS)}, got {spec!r}")
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise InputError(
                f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(RULE_KEYS)}"
            )
        for key in ("name", "variable", "threshold"):
            if key not in spec:
                raise InputError(f"{where}: {key!r} is required")
        name = str(spec["name"])
        threshold = spec["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise InputError(f"{where} ({name}): threshold must be a number, got {threshold!r}")
        if not np.isfinite(threshold):
            raise InputError(f"{where} ({name}): threshold must be finite, got {threshold!r}")
        direction = spec.get("direction", "above")
        if direction not in DIRECTIONS:
            raise InputError(f"{where} ({name}): direction must be one of {DIRECTIONS}, "
                             f"got {direction!r}")  # fmt: skip
        level = spec.get("level", "warning")
        if level not in LEVELS:
            raise InputError(f"{where} ({name}): level must be one of {LEVELS}, got {level!r}")
        station, point = spec.get("station"), spec.get("point")
        if (station is None) == (point is None):
            raise InputError(f"{where} ({name}): give exactly one of 'station' or 'point'")
        if point is not None:
            if isinstance(point, str) or len(point) != 2:
                raise InputError(f"{where} ({name}): point must be [x, y] (m), got {point!r}")
            point = (float(point[0]), float(point[1]))
        duration = spec.get("duration", 0)
        seconds = (
            60.0 * float(duration)
            if isinstance(duration, int | float) and not isinstance(duration, bool)
            else parse_seconds(duration, f"{where} ({name}): duration")
        )
        if not np.isfinite(seconds) or seconds < 0:
            raise InputError(f"{where} ({name}): duration must be ≥ 0 minutes, got {duration!r}")
        return cls(name, str(spec["variable"]), float(threshold), direction, level,
                   None if station is None else str(station), point, seconds,
                   str(spec.get("source", "")))  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The mapping form (``duration`` in minutes); ``Rule.from_dict`` reads it back."""
        out = {"name": self.name, "variable": self.variable, "threshold": self.threshold,
               "direction": self.direction, "level": self.level,
               "duration": self.duration / 60}  # fmt: skip
        if self.station is not None:
            out["station"] = self.station
        if self.point is not None:
            out["point"] = list(self.point)
        if self.source:
            out["source"] = self.source
        return out

    @property
    def place(self) -> str:
        return (
            self.station if self.station is not None else f"x={self.point[0]:g} y={self.point[1]:g}"
        )


def load_rules(source: Any = None) -> tuple[Rule, ...]:
    """Rules from a list of mappings, ``{rules: [...]}``, a YAML file, or ``None`` (Gironde)."""
    if source is None:
        source = GIRONDE_RULES
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise InputError(f"rules file {str(path)!r} does not exist")
        try:
            source = yaml.safe_load(path.read_text())
        except yaml.YAMLError as err:
            raise InputError(f"{path} is not valid YAML: {err}") from None
    if isinstance(source, Mapping) and "rules" in source:
        source = source["rules"]
    if isinstance(source, Rule):
        source = [source]
    if isinstance(source, str | bytes | Mapping) or not isinstance(source, Sequence):
        raise InputError(f"rules must be a list of rule mappings, got {source!r}")
    return tuple(r if isinstance(r, Rule) else Rule.from_dict(r, f"rules[{k}]")
                 for k, r in enumerate(source))  # fmt: skip


def series(run: xr.Dataset, rule: Rule) -> xr.DataArray:
    """The rule's series in ``run``: ``(time,)`` or ``(member, time)``."""
    if rule.variable not in run:
        raise InputError(f"rule {rule.name!r}: the run has no {rule.variable!r}; "
                         f"it has {sorted(str(v) for v in run.data_vars)}")  # fmt: skip
    da = run[rule.variable]
    if rule.station is not None:
        if "station" not in da.dims:
            raise InputError(f"rule {rule.name!r}: {rule.variable!r} is not a station series")
        names = [str(s) for s in run["station_name"].values]
        if rule.station not in names:
            raise InputError(f"rule {rule.name!r}: no station {rule.station!r}; stations: {names}")
        da = da.isel(station=names.index(rule.station))
    else:
        ydim, xdim = da.dims[-2], da.dims[-1]
        da = da.sel({xdim: rule.point[0], ydim: rule.point[1]}, method="nearest")
    return da if "member" in da.dims else da.expand_dims(member=1)


def episodes(hit: np.ndarray, seconds: np.ndarray, minimum: float) -> list[tuple[int, int]]:
    """``(first, last)`` indices of the runs of True in ``hit`` lasting ≥ ``minimum`` s (from the
    first to the last time of the run).

    >>> episodes(np.array([0, 1, 1, 0, 1], bool), np.arange(5) * 600.0, 600.0)
    [(1, 2)]
    """
    edges = np.diff(np.concatenate([[0], hit.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [
        (int(a), int(b))
        for a, b in zip(starts, ends, strict=True)
        if seconds[b] - seconds[a] >= minimum
    ]


def _alert_mask(values: np.ndarray, rule: Rule, seconds: np.ndarray) -> np.ndarray:
    """Per member and time: inside an episode of the rule (NaN never triggers)."""
    with np.errstate(invalid="ignore"):
        hit = values > rule.threshold if rule.direction == "above" else values < rule.threshold
    mask = np.zeros_like(hit)
    for m in range(hit.shape[0]):
        for a, b in episodes(hit[m], seconds, rule.duration):
            mask[m, a : b + 1] = True
    return mask


def evaluate(rules: Any, run: xr.Dataset, weights: Sequence[float] | None = None) -> pd.DataFrame:
    """The alert table of ``rules`` (anything :func:`load_rules` takes) over a run or ensemble.

    One row per episode: ``rule``, ``place``, ``start`` and ``end`` (first and last output time
    in alert), ``peak`` (the extreme value, in the variable's units) and ``peak_time``,
    ``probability`` (weighted fraction of members in alert during the episode; 1.0 for a single
    run) and ``level``. For an ensemble, an episode spans the times when any member is in alert.
    """
    rules = load_rules(rules)
    rows = []
    for rule in rules:
        da = series(run, rule).transpose("member", "time")
        values = np.asarray(da.values, dtype=float)
        times = da["time"].values
        if np.issubdtype(times.dtype, np.datetime64):
            seconds = (times - times[0]) / np.timedelta64(1, "s")
        else:
            seconds = np.asarray(times - times[0], dtype=float)
        w = np.ones(values.shape[0]) if weights is None else np.asarray(weights, dtype=float)
        if w.shape != (values.shape[0],):
            raise InputError(f"weights must hold one value per member ({values.shape[0]})")
        mask = _alert_mask(values, rule, seconds)
        for a, b in episodes(mask.any(axis=0), seconds, 0.0):
            window = np.where(mask[:, a : b + 1], values[:, a : b + 1], np.nan)
            flat = np.nanargmax(window) if rule.direction == "above" else np.nanargmin(window)
            member, k = np.unravel_index(flat, window.shape)
            rows.append({
                "rule": rule.name, "place": rule.place, "start": times[a], "end": times[b],
                "peak": float(window[member, k]), "peak_time": times[a + k],
                "probability": float(w[mask[:, a : b + 1].any(axis=1)].sum() / w.sum()),
                "level": rule.level,
            })  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.sort_values(["start", "rule"], ignore_index=True) if rows else table


def summary(run: xr.Dataset, horizon: Any = "10D", rules: Any = None) -> pd.DataFrame:
    """Daily figures over the first ``horizon`` of a run, by ``(date, station)``.

    Columns: ``eta_max`` (m), ``salinity_min`` / ``salinity_max`` (g/kg) and
    ``suspended_sediment_max`` (kg m⁻³) where the run has them, and ``alerts_info``,
    ``alerts_warning``, ``alerts_danger``: episodes of ``rules`` (default: those Gironde rules
    whose station and variable the run has) starting that day at that station.
    """
    if "member" in run.dims:
        raise InputError("summary takes one run: select a member (ds.isel(member=k)) first")
    seconds = parse_seconds(horizon, "horizon")
    if seconds <= 0:
        raise InputError(f"horizon must be > 0, got {horizon!r}")
    times = pd.to_datetime(run["time"].values)
    run = run.isel(time=np.flatnonzero(times <= times[0] + pd.Timedelta(seconds, "s")))
    names = [str(s) for s in run["station_name"].values]
    day = run["time"].dt.floor("D")
    columns = {"eta_max": ("station_eta", "max"), "salinity_min": ("station_salinity", "min"),
               "salinity_max": ("station_salinity", "max"),
               "suspended_sediment_max": ("station_suspended_sediment", "max")}  # fmt: skip
    table = {}
    for column, (variable, how) in columns.items():
        if variable in run:
            grouped = getattr(run[variable].groupby(day), how)()
            table[column] = grouped.transpose("floor", "station").values.ravel()
            dates = pd.to_datetime(grouped["floor"].values)
    index = pd.MultiIndex.from_product([dates, names], names=["date", "station"])
    out = pd.DataFrame(table, index=index)
    if rules is None:
        rules = [r for r in load_rules() if r.station in names and r.variable in run]
    alerts = evaluate(rules, run)
    for level in LEVELS:
        mine = alerts[alerts["level"] == level]
        counts = mine.groupby([pd.to_datetime(mine["start"]).dt.floor("D"), "place"]).size()
        counts.index = counts.index.set_names(["date", "station"])
        out[f"alerts_{level}"] = counts.reindex(index, fill_value=0).to_numpy(int)
    return out


@dataclasses.dataclass(frozen=True)
class Trend:
    """Daily means and their rolling mean; per month the mean, min, max and the linear trend
    (``slope_per_day``, units per day); the trend of the whole series."""

    daily: pd.DataFrame
    monthly: pd.DataFrame
    slope_per_day: float


def trend(
    run: xr.Dataset | xr.DataArray,
    variable: str = "station_eta",
    station: str | None = "Bordeaux",
    horizon: Any = "92D",
    window: int = 7,
) -> Trend:
    """Rolling means and monthly linear trends of a station series over a 3-month horizon.

    ``run`` is a run (``variable`` at ``station``) or a ``(time,)`` DataArray. ``window`` is the
    rolling-mean length in days (centred).
    """
    if isinstance(run, xr.Dataset):
        rule = Rule(name="trend", variable=variable, threshold=0.0, station=station)
        da = series(run, rule).isel(member=0)
    else:
        da = run
    seconds = parse_seconds(horizon, "horizon")
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise InputError(f"window must be a positive number of days, got {window!r}")
    s = da.to_series()
    s.index = pd.to_datetime(s.index)
    s = s[s.index <= s.index[0] + pd.Timedelta(seconds, "s")].dropna()
    if s.size < 2:
        raise InputError("trend needs at least two valid values in the horizon")
    daily = s.resample("1D").mean().to_frame("mean")
    daily["rolling_mean"] = daily["mean"].rolling(window, center=True, min_periods=1).mean()

    def slope(part: pd.Series) -> float:
        if part.size < 2:
            return float("nan")
        days = (part.index - part.index[0]) / pd.Timedelta(1, "D")
        return float(np.polyfit(np.asarray(days, float), part.to_numpy(float), 1)[0])

    groups = s.groupby(s.index.to_period("M"))
    monthly = pd.DataFrame({"mean": groups.mean(), "min": groups.min(), "max": groups.max(),
                            "slope_per_day": groups.apply(slope)})  # fmt: skip
    return Trend(daily, monthly, slope(s))


__all__ = [
    "COLUMNS", "GIRONDE_RULES", "LEVELS", "Rule", "Trend", "episodes", "evaluate", "load_rules",
    "series", "summary", "trend",
]  # fmt: skip
