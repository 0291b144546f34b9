"""Regenerate ``twinbench/tides/data/foreman_constituents.json`` from UTide's constants.

The table is Foreman's (1977, revised 2004) list of 146 constituents as shipped by UTide
(``utide/data/ut_constants.npz``, MIT licence, Copyright (c) 2014 Wesley Bowman), which itself
comes from ``ut_constants.mat`` of the Matlab UTide (Codiga 2011) and t_tide (Pawlowicz et al.
2002). Run it from the repository root with the dev extra installed::

    .venv/bin/python tests/tides/make_constituent_table.py

It is not a test module (its name does not start with ``test_``); ``test_constituents.py``
checks that the shipped file still matches UTide when UTide is installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

TARGET = (
    Path(__file__).resolve().parents[2]
    / "twinbench"
    / "tides"
    / "data"
    / "foreman_constituents.json"
)


def build_table() -> dict:
    """The Foreman/UTide constituent table as plain JSON-able data."""
    from utide._ut_constants import ut_constants

    const, sat, shallow = ut_constants.const, ut_constants.sat, ut_constants.shallow
    names = [str(n) for n in const.name]
    rows = []
    for i, name in enumerate(names):
        kmpr = str(const.kmpr[i]).strip()
        row: dict = {
            "name": name,
            "frequency_cph": float(const.freq[i]),
            "rayleigh_comparison": kmpr or None,
            "rayleigh_separation_cph": float(const.df[i]),
        }
        if np.isfinite(const.ishallow[i]):
            start = int(const.ishallow[i]) - 1
            count = int(const.nshallow[i])
            row["shallow"] = [
                [names[int(shallow.iname[k]) - 1], float(shallow.coef[k])]
                for k in range(start, start + count)
            ]
        else:
            row["doodson"] = [int(v) for v in const.doodson[i]]
            row["semi_cycles"] = float(const.semi[i])
            row["satellites"] = [
                [int(d) for d in sat.deldood[k]]
                + [float(sat.phcorr[k]), float(sat.amprat[k]), int(sat.ilatfac[k])]
                for k in np.flatnonzero(sat.iconst == i + 1)
            ]
        rows.append(row)
    return {
        "source": (
            "Foreman (1977, rev. 2004) tidal constituent tables as distributed with UTide "
            "(Codiga 2011; Python UTide 0.4.0, MIT licence, Copyright (c) 2014 Wesley Bowman)"
        ),
        "satellite_columns": [
            "dp",
            "dN'",
            "dp'",
            "phase_correction_cycles",
            "amplitude_ratio",
            "latitude_factor",
        ],
        "constituents": rows,
    }


if __name__ == "__main__":
    table = build_table()
    rows = ",\n".join(json.dumps(row) for row in table.pop("constituents"))
    head = json.dumps(table, indent=1)[:-2]
    TARGET.write_text(f'{head},\n "constituents": [\n{rows}\n]}}\n')
    print(f"wrote {TARGET}")
