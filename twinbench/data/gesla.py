"""GESLA-4 tide-gauge records: the GESLA text format, from a local file or a fixed URL.

A GESLA file is a header of ``# KEY value`` lines (``# SITE NAME``, ``# LATITUDE``,
``# LONGITUDE``, ``# DATUM INFORMATION``, ``# NULL VALUE``, ``# TIME ZONE HOURS``,
``# CONTRIBUTOR (FULL)``...) followed by one line per sample::

    2019/01/01 00:00:00     4.8810     1     1

date, time, sea level (m), the contributor's QC flag (0 no QC, 1 correct, 2 interpolated,
3 doubtful, 4 isolated spike or wrong, 5 missing) and the GESLA use flag (1 use, 0 do not).
GESLA-4 is distributed as a whole archive (after a short form on the GESLA site); point
:func:`record` at a file of it, or at any URL serving one with its SHA-256, which pooch checks
on download and on every later use.

Licence: CC-BY-4.0 for GESLA-4 as a whole; individual contributors' terms are stated in the
header. Cite Haigh et al. (2022), Geoscience Data Journal, doi:10.1002/gdj3.174.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import DataError, fetch_file
from twinbench.io.inputs import InputError

SERVICE = "GESLA-4"
ATTRIBUTION = (
    "GESLA-4 (Global Extreme Sea Level Analysis); Haigh, I.D., Marcos, M., Talke, S.A., et al. "
    "(2022), GESLA Version 3, Geoscience Data Journal, doi:10.1002/gdj3.174. Licence CC-BY-4.0; "
    "contributor: {contributor}."
)
QC_MEANINGS = (
    "no_quality_control correct_value interpolated_value doubtful_value wrong_value missing_value"
)
_FLOAT_KEYS = ("LATITUDE", "LONGITUDE", "NULL VALUE", "TIME ZONE HOURS")


#: Header keys of GESLA-3/GESLA-4 files (values follow after one or more spaces).
HEADER_KEYS = (
    "SITE NAME", "SITE CODE", "COUNTRY", "CONTRIBUTOR (ABBREVIATED)", "CONTRIBUTOR (FULL)",
    "CONTRIBUTOR WEBSITE", "CONTRIBUTOR CONTACT", "ORGINATOR", "ORIGINATOR",
    "ORIGINATOR WEBSITE", "ORIGINATOR CONTACT", "ORIGINATOR TIDE GAUGE CODE", "LATITUDE",
    "LONGITUDE", "COORDINATE SYSTEM", "START DATE/TIME", "END DATE/TIME", "NUMBER OF YEARS",
    "TIME ZONE HOURS", "DATUM INFORMATION", "INSTRUMENT", "PRECISION", "NULL VALUE",
    "GAUGE TYPE", "OVERALL RECORD QUALITY",
)  # fmt: skip


def header(lines: list[str]) -> dict[str, str]:
    """The ``# KEY value`` header of a GESLA file as a dict (keys as in :data:`HEADER_KEYS`).

    >>> header(["# SITE NAME Brest", "# LATITUDE   48.38", "2019/01/01 00:00:00 1 1 1"])
    {'SITE NAME': 'Brest', 'LATITUDE': '48.38'}
    """
    meta = {}
    for line in lines:
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        keys = [k for k in HEADER_KEYS if text.upper().startswith(k + " ")]
        if keys:
            key = max(keys, key=len)
            meta[key] = text[len(key) :].strip()
    return meta


def read(path: str | Path) -> xr.Dataset:
    """Parse one GESLA text file into a CF time series.

    Returns ``sea_level`` (m above the file's datum; NaN where the value is the null value or
    the use flag is 0), ``qc_flag`` and ``use_flag`` over ``time`` (UTC: the header's time
    zone is removed), with the station's ``latitude``/``longitude``.

    Raises
    ------
    InputError
        The file is not in GESLA format (missing header keys, unreadable lines).
    """
    lines = Path(path).read_text(encoding="latin-1").splitlines()
    meta = header(lines)
    missing = [k for k in ("SITE NAME", *_FLOAT_KEYS) if k not in meta]
    if missing:
        raise InputError(f"{path}: not a GESLA file, its header lacks {missing}")
    try:
        numbers = {k: float(meta[k]) for k in _FLOAT_KEYS}
        table = pd.read_csv(
            path,
            comment="#",
            sep=r"\s+",
            header=None,
            names=["date", "time", "sea_level", "qc_flag", "use_flag"],
            dtype={"date": str, "time": str},
            encoding="latin-1",
        )
        times = pd.to_datetime(table["date"] + " " + table["time"], format="%Y/%m/%d %H:%M:%S")
    except (ValueError, TypeError) as err:
        raise InputError(f"{path}: unreadable GESLA data ({err})") from err
    if table.empty:
        raise InputError(f"{path}: a GESLA header without data lines")
    times = times - pd.Timedelta(hours=numbers["TIME ZONE HOURS"])
    level = table["sea_level"].to_numpy(float)
    bad = np.isclose(level, numbers["NULL VALUE"]) | (table["use_flag"].to_numpy() == 0)
    level = np.where(bad, np.nan, level)
    datum = meta.get("DATUM INFORMATION", "not stated")
    contributor = meta.get("CONTRIBUTOR (FULL)", meta.get("CONTRIBUTOR (ABBREVIATED)", "unknown"))
    ds = _cf.time_series(
        pd.DatetimeIndex(times),
        {
            "sea_level": (
                level,
                _cf.SEA_LEVEL
                | {"reference_datum": datum, "long_name": "observed sea level (GESLA)"},
            ),
            "qc_flag": (
                table["qc_flag"].to_numpy(np.int8),
                {
                    "long_name": "contributor quality flag",
                    "flag_values": np.arange(6, dtype=np.int8),
                    "flag_meanings": QC_MEANINGS,
                },
            ),
            "use_flag": (
                table["use_flag"].to_numpy(np.int8),
                {
                    "long_name": "GESLA use flag",
                    "flag_values": np.array([0, 1], dtype=np.int8),
                    "flag_meanings": "do_not_use use",
                },
            ),
        },
        coords={
            "latitude": numbers["LATITUDE"],
            "longitude": numbers["LONGITUDE"],
            "station_name": meta["SITE NAME"],
        },
        attrs=_cf.attribution(
            f"GESLA-4 record {meta['SITE NAME']} ({Path(path).name})",
            "CC-BY-4.0 (GESLA-4); contributor terms in gesla_header",
            ATTRIBUTION.format(contributor=contributor),
        ),
    )
    ds["station_name"].attrs.update({"cf_role": "timeseries_id", "long_name": "site name"})
    ds.attrs["gesla_header"] = "; ".join(f"{k}: {v}" for k, v in meta.items())
    return ds


def record(location: str | Path, *, known_hash: str | None = None) -> xr.Dataset:
    """A GESLA-4 record from a local file or an http(s) URL (downloaded once, hash-checked).

    Parameters
    ----------
    location : str or Path
        Path of a GESLA text file, or its URL.
    known_hash : str, optional
        ``"sha256:…"`` of the file; with a URL, a download or cached copy with another hash
        is rejected (and a corrupted cached copy fetched again).

    Raises
    ------
    InputError
        The path does not exist or the file is not in GESLA format.
    DataError
        The download failed or the file's hash is wrong.
    """
    text = str(location)
    if text.startswith(("http://", "https://")):
        name = text.rstrip("/").rsplit("/", 1)[-1] or "gesla.txt"
        path = fetch_file(text, service=SERVICE, known_hash=known_hash, fname=name)
    else:
        path = Path(text).expanduser()
        if not path.is_file():
            raise InputError(f"no GESLA file at {path}")
        if known_hash is not None:
            import pooch

            algorithm, _, expected = known_hash.partition(":")
            if pooch.file_hash(str(path), alg=algorithm) != expected:
                raise DataError(f"{path}: its hash is not the expected {known_hash}")
    return read(path)
