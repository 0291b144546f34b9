"""Files uploaded to the dashboard, checked before anything uses them: size, extension,
parseable content and, for a NetCDF discharge, its CF metadata.

Every check raises :class:`~twinbench.io.inputs.InputError` with a message naming the file and
the problem; the page shows that message as it is.

Examples
--------
>>> table = check_stations("gauges.csv", b"name,lat,lon\\nPauillac,45.2,-0.75\\n")
>>> table["name"].tolist()
['Pauillac']
>>> check_stations("gauges.txt", b"name,lat,lon\\n")
Traceback (most recent call last):
...
twinbench.io.inputs.InputError: 'gauges.txt' is not a stations file: expected .csv
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from twinbench.io.inputs import InputError
from twinbench.scenarios.scenario import Scenario, load

#: Largest accepted upload (bytes): 5 MiB, far above a scenario, gauge list or a year of
#: hourly discharges, far below what would strain the server.
MAX_BYTES = 5 * 1024 * 1024
#: Extensions accepted for each kind of upload.
EXTENSIONS = {
    "scenario": (".yaml", ".yml"),
    "stations": (".csv",),
    "discharge": (".csv", ".nc"),
}
#: CF standard names of a river discharge (volume per time, m3 s-1).
DISCHARGE_STANDARD_NAMES = (
    "water_volume_transport_in_river_channel",
    "water_volume_transport_into_sea_water_from_rivers",
)
#: Spellings of m3 s-1 accepted in a ``units`` attribute.
DISCHARGE_UNITS = ("m3 s-1", "m3/s", "m^3/s", "m3.s-1", "m^3 s^-1", "m**3 s**-1", "m3 s^-1")
_NETCDF_MAGIC = (b"CDF\x01", b"CDF\x02", b"\x89HDF\r\n\x1a\n")


@dataclasses.dataclass(frozen=True)
class Discharge:
    """A river discharge series: UTC times and discharges (m³ s⁻¹)."""

    time: np.ndarray
    discharge: np.ndarray
    source: str

    def hydrograph(self, start: str | np.datetime64, duration: float) -> dict[str, list[float]]:
        """The series over a run as ``{time: [s from start], discharge: [m3/s]}``: sampled
        at the run's start and end and at every point in between (linear, held beyond its
        ends), as :class:`~twinbench.scenarios.whatif.RiverChange` takes it.

        Raises
        ------
        InputError
            If the series does not overlap the run at all.
        """
        origin = np.datetime64(start, "ns")
        seconds = (self.time.astype("datetime64[ns]") - origin) / np.timedelta64(1, "s")
        if seconds[-1] < 0 or seconds[0] > duration:
            end = origin + np.timedelta64(int(duration * 1e9), "ns")
            raise InputError(
                f"{self.source}: the discharges ({self.time[0]} to {self.time[-1]}) do not "
                f"overlap the run ({origin} to {end})"
            )
        inside = seconds[(seconds > 0) & (seconds < duration)]
        times = np.concatenate([[0.0], inside, [duration]])
        flows = np.interp(times, seconds, self.discharge)
        return {"time": times.tolist(), "discharge": flows.tolist()}


def check_size(name: str, data: bytes, limit: int = MAX_BYTES) -> None:
    """Refuse an empty file and one larger than ``limit`` bytes."""
    if not data:
        raise InputError(f"{name!r} is empty")
    if len(data) > limit:
        raise InputError(
            f"{name!r} is {len(data) / 2**20:.1f} MiB; the limit is {limit / 2**20:.1f} MiB"
        )


def check_extension(name: str, kind: str) -> str:
    """The file's extension (lower case), if it is one of ``EXTENSIONS[kind]``."""
    suffix = Path(name).suffix.lower()
    allowed = EXTENSIONS[kind]
    if suffix not in allowed:
        raise InputError(f"{name!r} is not a {kind} file: expected {' or '.join(allowed)}")
    return suffix


def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{name!r} is not UTF-8 text: {err}") from None


def check_scenario(name: str, data: bytes, limit: int = MAX_BYTES) -> Scenario:
    """A scenario YAML: parsed and checked by :func:`twinbench.scenarios.load`."""
    check_size(name, data, limit)
    check_extension(name, "scenario")
    try:
        document = yaml.safe_load(_text(name, data))
    except yaml.YAMLError as err:
        raise InputError(f"{name!r} is not valid YAML: {err}") from None
    if not isinstance(document, dict):
        raise InputError(f"{name!r} must be a YAML mapping (a scenario), got {document!r}")
    document.setdefault("name", Path(name).stem)
    try:
        return load(document)
    except InputError as err:
        raise InputError(f"{name!r}: {err}") from None


def _csv(name: str, data: bytes) -> pd.DataFrame:
    try:
        table = pd.read_csv(io.StringIO(_text(name, data)), skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{name!r} is not a readable CSV: {err}") from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    return table


def check_stations(name: str, data: bytes, limit: int = MAX_BYTES) -> pd.DataFrame:
    """A gauge list: a CSV with columns ``name,lat,lon`` (WGS84 degrees), one row per gauge,
    names unique. The gauges are placed on the domain when the run starts."""
    check_size(name, data, limit)
    check_extension(name, "stations")
    table = _csv(name, data)
    missing = {"name", "lat", "lon"} - set(table.columns)
    if missing:
        raise InputError(f"{name!r} needs columns name,lat,lon; missing {sorted(missing)}")
    if table.empty:
        raise InputError(f"{name!r} lists no stations")
    for column, bound in (("lat", 90.0), ("lon", 180.0)):
        values = pd.to_numeric(table[column], errors="coerce")
        bad = ~np.isfinite(values) | (values.abs() > bound)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise InputError(
                f"{name!r}: {column} of {table['name'][row]!r} must be a number within "
                f"±{bound:g} degrees, got {table[column][row]!r}"
            )
        table[column] = values
    names = table["name"].astype(str).str.strip()
    if names.duplicated().any():
        raise InputError(
            f"{name!r}: station names repeat: {sorted(set(names[names.duplicated()]))}"
        )
    return table.assign(name=names)[["name", "lat", "lon"]]


def _series(name: str, time: np.ndarray, flow: np.ndarray) -> Discharge:
    if time.size == 0:
        raise InputError(f"{name!r} holds no discharges")
    if not np.isfinite(flow).all() or (flow < 0).any():
        k = int((~np.isfinite(flow) | (flow < 0)).argmax())
        raise InputError(
            f"{name!r}: discharges must be finite and ≥ 0 m3/s, got {flow[k]!r} at {time[k]}"
        )
    if np.isnat(time).any():
        raise InputError(f"{name!r}: a time is missing")
    if (np.diff(time) <= np.timedelta64(0)).any():
        raise InputError(f"{name!r}: times must be strictly increasing")
    return Discharge(time.astype("datetime64[ns]"), flow.astype(float), name)


def _discharge_csv(name: str, data: bytes) -> Discharge:
    table = _csv(name, data)
    missing = {"time", "discharge"} - set(table.columns)
    if missing:
        raise InputError(
            f"{name!r} needs columns time (UTC dates) and discharge (m3/s); "
            f"missing {sorted(missing)}"
        )
    try:
        time = pd.to_datetime(table["time"], utc=True).dt.tz_localize(None).to_numpy()
    except (ValueError, TypeError) as err:
        raise InputError(f"{name!r}: 'time' must hold dates: {err}") from None
    flow = pd.to_numeric(table["discharge"], errors="coerce").to_numpy(float)
    return _series(name, time, flow)


def _time_coordinate(ds: xr.Dataset, name: str) -> xr.DataArray:
    for coord in ds.coords.values():
        if coord.ndim == 1 and (
            coord.attrs.get("standard_name") == "time"
            or coord.attrs.get("axis") == "T"
            or np.issubdtype(coord.dtype, np.datetime64)
        ):
            if not np.issubdtype(coord.dtype, np.datetime64):
                raise InputError(
                    f"{name!r}: the time coordinate {coord.name!r} has units "
                    f"{coord.attrs.get('units')!r} that xarray cannot decode to dates"
                )
            return coord
    raise InputError(
        f"{name!r} has no time coordinate (standard_name 'time' or axis 'T'); "
        f"coordinates: {sorted(map(str, ds.coords))}"
    )


def _discharge_netcdf(name: str, data: bytes) -> Discharge:
    if not data.startswith(_NETCDF_MAGIC):
        raise InputError(f"{name!r} is not a NetCDF file (its first bytes are {data[:4]!r})")
    with tempfile.TemporaryDirectory(prefix="twinbench-upload-") as folder:
        path = Path(folder) / "upload.nc"
        path.write_bytes(data)
        try:
            with xr.open_dataset(path) as opened:
                ds = opened.load()
        except (OSError, ValueError) as err:
            raise InputError(f"{name!r} cannot be read as NetCDF: {err}") from None
    time = _time_coordinate(ds, name)
    found = [
        v for v in ds.data_vars.values() if v.attrs.get("standard_name") in DISCHARGE_STANDARD_NAMES
    ]
    if not found:
        have = {str(k): v.attrs.get("standard_name") for k, v in ds.data_vars.items()}
        raise InputError(
            f"{name!r} has no variable with a river discharge standard_name "
            f"{list(DISCHARGE_STANDARD_NAMES)}; its variables' standard names: {have}"
        )
    variable = found[0]
    units = str(variable.attrs.get("units", "")).strip()
    if units not in DISCHARGE_UNITS:
        raise InputError(
            f"{name!r}: {variable.name!r} must be in m3 s-1, got units {units or None!r}"
        )
    squeezed = variable.squeeze(drop=True)
    if squeezed.dims != time.dims:
        raise InputError(
            f"{name!r}: {variable.name!r} must be a series over {time.name!r} alone, "
            f"got dims {variable.dims}"
        )
    return _series(name, time.values, squeezed.values.astype(float))


def check_discharge(name: str, data: bytes, limit: int = MAX_BYTES) -> Discharge:
    """A river discharge series: a CSV with columns ``time,discharge`` (UTC dates, m³ s⁻¹),
    or a CF NetCDF with a time coordinate and a variable whose ``standard_name`` is a river
    discharge (:data:`DISCHARGE_STANDARD_NAMES`) in ``m3 s-1``."""
    check_size(name, data, limit)
    if check_extension(name, "discharge") == ".csv":
        return _discharge_csv(name, data)
    return _discharge_netcdf(name, data)


__all__ = [
    "DISCHARGE_STANDARD_NAMES",
    "EXTENSIONS",
    "MAX_BYTES",
    "Discharge",
    "check_discharge",
    "check_extension",
    "check_scenario",
    "check_size",
    "check_stations",
]
