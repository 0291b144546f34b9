"""Salt intrusion length along the Gironde's axis."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from twinbench.analysis import salt_intrusion
from twinbench.analysis.salinity import _along, estuary_axis
from twinbench.domains import gironde, gironde_stations


def test_gauges_sit_at_their_distance_up_the_estuary():
    line, mouth = estuary_axis()
    st = gironde_stations("coarse")
    km = (_along(line, st.x.to_numpy(), st.y.to_numpy()) - mouth) / 1e3
    found = dict(zip(st.index, km, strict=True))
    assert abs(found["Port-Bloc"]) < 3 and abs(found["Royan"]) < 3
    assert 40 < found["Pauillac"] < 55  # ≈ 47 km by the channel
    assert 85 < found["Bordeaux"] < 105  # ≈ 98 km (GPMB: 130 km from Pont de Pierre to sea)


@pytest.mark.parametrize("front_km", [30.0, 60.0])
def test_a_step_front_is_found_where_it_is(front_km):
    ds = gironde("coarse")
    line, mouth = estuary_axis()
    X, Y = np.meshgrid(ds.x.values, ds.y.values)
    along = (_along(line, X, Y) - mouth) / 1e3
    salinity = np.where(along <= front_km, 35.0, 0.2)[None].repeat(2, axis=0)
    run = xr.Dataset(
        {"salinity": (("time", "y", "x"), salinity)},
        coords={"time": [0, 1], "x": ds.x, "y": ds.y},
    )
    reach = salt_intrusion(run, threshold=1.0)
    assert front_km - 2.0 < float(reach[0]) <= front_km


def test_salt_intrusion_needs_salinity():
    with pytest.raises(ValueError, match="salinity"):
        salt_intrusion(xr.Dataset())
