"""Write ``etopo2v2_biscay.npz``, the Bay of Biscay subset shipped for ``domains.biscay``.

Run from the repository root with the project's shared data next to it::

    .venv/bin/python twinbench/domains/data/make_etopo2v2_biscay.py \
        /work/shared/data/bathymetry/etopo2v2_biscay_10W10E_40N50N.nc

It keeps lon −7.5…0, lat 42.5…49.5 of the ETOPO2v2 file (values unchanged: whole metres,
stored as int16) with its ``lon``/``lat`` node coordinates (degrees). The repository ignores
``*.nc``, hence ``.npz``. Attribution and licence: ``README.md`` in this folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import xarray as xr

LON = (-7.5, 0.0)
LAT = (42.5, 49.5)


def main(source: str) -> Path:
    with xr.open_dataset(source) as ds:
        sub = ds["z"].sel(x=slice(*LON), y=slice(*LAT)).load()
    z = sub.values
    if not np.array_equal(z, np.round(z)) or np.abs(z).max() > np.iinfo(np.int16).max:
        raise ValueError("ETOPO2v2 values are expected to be whole metres within int16")
    out = Path(__file__).with_name("etopo2v2_biscay.npz")
    np.savez_compressed(
        out,
        lon=sub["x"].values.astype(np.float64),
        lat=sub["y"].values.astype(np.float64),
        z=z.astype(np.int16),
    )
    return out


if __name__ == "__main__":
    print(main(sys.argv[1]))
