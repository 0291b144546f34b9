"""TICON-4 harmonic constants shipped with twinbench (20 Gironde / Bay of Biscay gauges).

Data: TICON-4 (Hart-Davis, Dettmering, Seitz et al., DGFI-TUM; SEANOE
https://www.seanoe.org/data/00980/109129/), derived from GESLA-4 tide-gauge records, as packaged
by ``openwatersio/tide-database`` (``data/ticon/<id>.json``, commit
f7465efa0ece09263c93123b5024e6a6da897867). Licence CC-BY-4.0: keep the attribution. See
``data/ticon4/README.md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .constituents import CONSTITUENTS, canonical_name

_DIR = Path(__file__).parent / "data" / "ticon4"

ATTRIBUTION = (
    "TICON-4 tidal harmonic constants (Hart-Davis, Dettmering, Seitz et al., DGFI-TUM; "
    "SEANOE https://www.seanoe.org/data/00980/109129/), derived from GESLA-4 tide-gauge "
    "records; via openwatersio/tide-database data/ticon/<id>.json, commit "
    "f7465efa0ece09263c93123b5024e6a6da897867. Licence: CC-BY-4.0."
)

#: TICON names with no definition here (third-degree lunar lines, conventions unsettled).
UNMAPPED = ("3L2", "3N2")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@cache
def _records() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(_DIR.glob("*.json"))}


def ticon_stations() -> pd.DataFrame:
    """The shipped TICON-4 stations: id, name, latitude, longitude, record epoch.

    >>> stations = ticon_stations()
    >>> len(stations), "bordeaux-196-fra-refmar" in stations.index
    (20, True)
    """
    rows = [
        {
            "station_id": sid,
            "name": rec["name"],
            "latitude": rec["latitude"],
            "longitude": rec["longitude"],
            "epoch_start": rec["epoch"]["start"],
            "epoch_end": rec["epoch"]["end"],
            "n_constituents": len(rec["harmonic_constituents"]),
        }
        for sid, rec in _records().items()
    ]
    return pd.DataFrame(rows).set_index("station_id")


def _find(station: str) -> str:
    if not isinstance(station, str):
        raise ValueError(f"station must be a TICON id or name (str), got {station!r}")
    records = _records()
    if station in records:
        return station
    key = _normalise(station)
    exact = [sid for sid, rec in records.items() if _normalise(rec["name"]) == key]
    partial = [sid for sid, rec in records.items() if key and key in _normalise(rec["name"])]
    hits = exact or partial
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise ValueError(f"station {station!r} is ambiguous: pass one of the ids {hits}")
    known = sorted(rec["name"] for rec in records.values())
    raise ValueError(f"unknown TICON station {station!r}; known: {known}")


def ticon(station: str) -> xr.Dataset:
    """Harmonic constants of one shipped TICON-4 station, ready for :func:`predict`.

    ``station`` is a TICON id (``"port_bloc-15-fra-refmar"``) or a station name
    (case, accents and punctuation ignored: ``"Bordeaux"``, ``"port-bloc"``).
    Amplitudes in m, Greenwich phase lags in degrees (UTC). TICON names map to the catalogue's
    (``EP2`` → ``EPS2``, ``SGM`` → ``SIG1``, ``LAMBDA2`` → ``LDA2``, ``M1`` → ``NO1``);
    3L2 and 3N2 are left out and listed in ``attrs["unmapped_constituents"]``.

    >>> ds = ticon("Bordeaux")
    >>> round(float(ds.amplitude.sel(constituent="M2")), 3), ds.attrs["license"]
    (2.04, 'CC-BY-4.0')
    """
    sid = _find(station)
    rec = _records()[sid]
    names, ticon_names, amplitude, phase, unmapped = [], [], [], [], []
    for c in rec["harmonic_constituents"]:
        if c["name"] in UNMAPPED:
            unmapped.append(f"{c['name']} ({c['amplitude']:.4f} m)")
            continue
        names.append(canonical_name(c["name"]))
        ticon_names.append(c["name"])
        amplitude.append(c["amplitude"])
        phase.append(np.mod(c["phase"], 360.0))
    order = np.argsort([CONSTITUENTS[n].frequency for n in names], kind="stable")
    take = lambda seq: [seq[i] for i in order]  # noqa: E731
    attrs = {
        "station": rec["name"],
        "station_id": sid,
        "latitude": float(rec["latitude"]),
        "longitude": float(rec["longitude"]),
        "epoch": f"{rec['epoch']['start']}/{rec['epoch']['end']}",
        "source": "TICON-4 (GESLA-4 gauges) via openwatersio/tide-database",
        "license": "CC-BY-4.0",
        "attribution": ATTRIBUTION,
        "phase_convention": "Greenwich phase lag, degrees, UTC",
        "unmapped_constituents": ", ".join(unmapped),
        "note": "TICON M1 is taken as Foreman's NO1 (argument tau + p)",
    }
    for datum, value in rec.get("datums", {}).items():
        attrs[f"datum_{datum}_m"] = float(value)
    return xr.Dataset(
        {
            "amplitude": ("constituent", take(amplitude), {"units": "m", "long_name": "amplitude"}),
            "phase": (
                "constituent",
                take(phase),
                {"units": "degree", "long_name": "Greenwich phase lag (UTC)"},
            ),
        },
        coords={"constituent": take(names), "ticon_name": ("constituent", take(ticon_names))},
        attrs=attrs,
    )
