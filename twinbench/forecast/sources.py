"""Where a forecast's inputs come from: the real services, or the samples shipped for offline use.

The offline samples (``twinbench/data/samples/``) are answers in the services' own response
formats, parsed by the same functions as live answers; their values are synthetic but
plausible (``samples/metadata.json`` says how they were made).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import hubeau, openmeteo
from twinbench.data.fetch import DataError
from twinbench.io.inputs import InputError

__all__ = [
    "MOUTH",
    "RIVER_GAUGES",
    "SAMPLES",
    "river_observations",
    "river_records",
    "sample_metadata",
    "weather",
]

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
#: Gauges per river, in order of preference (Hub'Eau codes, GIRONDE_FACTS.md).
RIVER_GAUGES: dict[str, tuple[str, ...]] = {
    "garonne": ("O900001002", "O909001001"),  # Tonneins, then Marmande
    "dordogne": ("P555001001",),  # Pessac-sur-Dordogne
}
#: Where the weather is taken: the estuary mouth, between Pointe de Grave and Royan (lat, lon).
MOUTH = (45.59, -1.06)
#: A gauge whose last daily mean is older than this is passed over for the next one.
STALE_AFTER = pd.Timedelta(days=4)
RECORD_YEARS = 30


def _json(name: str) -> Any:
    path = SAMPLES / name
    if not path.exists():
        raise InputError(f"the offline sample {name!r} is missing from {SAMPLES}")
    return json.loads(path.read_text())


def sample_metadata() -> dict[str, Any]:
    """What the offline samples are: their dates, requests and how their values were made."""
    return _json("metadata.json")


def _hubeau(code: str, grandeur: str, first: pd.Timestamp, last: pd.Timestamp, offline: bool,
            base_url: str) -> xr.DataArray:  # fmt: skip
    if not offline:
        reader = hubeau.daily_discharge if grandeur == "QmnJ" else hubeau.monthly_discharge
        return reader(code, first, last, base_url=base_url)
    meta = sample_metadata()["hubeau"][f"{grandeur}_{code}"]
    covered = pd.Timestamp(meta["start"]), pd.Timestamp(meta["end"])
    if first < covered[0] or last > covered[1]:
        raise InputError(
            f"the offline Hub'Eau sample of {code} covers {covered[0]:%Y-%m-%d} to "
            f"{covered[1]:%Y-%m-%d}, not {first:%Y-%m-%d} to {last:%Y-%m-%d}: choose a start in "
            "the samples' window (see `twinbench forecast --offline` without --start)"
        )
    series = hubeau.parse_pages([_json(meta["file"])], code, grandeur, *covered)
    series = series.sel(time=slice(first, last))
    missing = np.isnan(series.values)
    series.attrs.update(
        missing_values=int(missing.sum()),
        gaps=hubeau.describe_gaps(
            pd.DatetimeIndex(series["time"].values), missing, "D" if grandeur == "QmnJ" else "MS"
        ),
        comment="offline sample: synthetic values in Hub'Eau's response format",
    )
    return series


def river_observations(
    start: Any, *, days: int = 90, offline: bool = False, base_url: str = hubeau.HUBEAU_URL
) -> dict[str, xr.DataArray]:
    """The last ``days`` daily means before ``start`` for each river, from its first gauge with
    a recent value (``attrs["gauge_choice"]`` says which and why).

    Raises
    ------
    DataError
        When no gauge of a river has a value in the last :data:`STALE_AFTER`.
    """
    last = pd.Timestamp(start).normalize() - pd.Timedelta(days=1)
    first = last - pd.Timedelta(days=days - 1)
    out = {}
    for river, codes in RIVER_GAUGES.items():
        notes = []
        for code in codes:
            try:
                series = _hubeau(code, "QmnJ", first, last, offline, base_url)
            except DataError as err:
                notes.append(f"{code}: {err}")
                continue
            latest = series["time"].values[np.flatnonzero(np.isfinite(series.values))]
            if latest.size and pd.Timestamp(latest[-1]) >= last - STALE_AFTER:
                series.attrs["gauge_choice"] = "; ".join([*notes, f"{code}: used"])
                out[river] = series
                break
            notes.append(f"{code}: no daily mean since {last - STALE_AFTER:%Y-%m-%d}")
        else:
            raise DataError(f"no recent discharge for the {river}: " + " | ".join(notes))
    return out


def river_records(
    start: Any,
    codes: dict[str, str],
    *,
    years: int = RECORD_YEARS,
    offline: bool = False,
    base_url: str = hubeau.HUBEAU_URL,
) -> dict[str, xr.DataArray]:
    """Monthly means (``QmM``) of each river's gauge over the ``years`` whole calendar years
    before ``start``'s year."""
    year = pd.Timestamp(start).year
    first, last = pd.Timestamp(year - years, 1, 1), pd.Timestamp(year - 1, 12, 31)
    return {river: _hubeau(code, "QmM", first, last, offline, base_url)
            for river, code in codes.items()}  # fmt: skip


def weather(
    run_start: Any,
    days: float,
    *,
    offline: bool = False,
    base_url: str = openmeteo.OPENMETEO_URL,
) -> xr.Dataset:
    """Hourly wind and pressure at :data:`MOUTH` covering ``run_start`` to ``days`` later."""
    start = pd.Timestamp(run_start)
    end = start + pd.Timedelta(days=days)
    if offline:
        meta = sample_metadata()["openmeteo"]
        data = openmeteo.parse_answer(_json(meta["file"]), *MOUTH)
    else:
        whole_days = int(np.ceil(days + (start - start.normalize()) / pd.Timedelta(days=1)))
        data = openmeteo.forecast(*MOUTH, days=max(1, whole_days), start=start, base_url=base_url)
    times = pd.DatetimeIndex(data["time"].values)
    if times[0] > start or times[-1] < end:
        where = "offline sample" if offline else "Open-Meteo answer"
        raise (InputError if offline else DataError)(
            f"the {where} covers {times[0]} to {times[-1]}, not the run's {start} to {end}"
        )
    return data
