"""One device: the vmap ensemble is one compiled program and equals member-by-member runs."""

from __future__ import annotations

import numpy as np
import pytest

from twinbench.ensemble import Ensemble, run_ensemble
from twinbench.io.inputs import InputError


def test_vmap_equals_member_by_member_scenario_runs(vmap_run, sequential_run):
    assert vmap_run.sizes == {"member": 4, "station": 7, "time": 4}
    assert vmap_run.attrs["ensemble_backend"] == "vmap"
    for name in ("station_eta", "station_depth", "station_u", "station_v"):
        a, b = vmap_run[name].values, sequential_run[name].values
        assert a.dtype == np.float64
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())
    np.testing.assert_array_equal(vmap_run["sea_level"], [0.0, 0.0, 0.5, 0.5])
    np.testing.assert_array_equal(vmap_run["rivers.garonne"], [300.0, 1500.0, 300.0, 1500.0])
    # The members do differ: a raised sea raises the level everywhere.
    eta = vmap_run["station_eta"].isel(time=-1)
    assert float((eta.sel(member=2) - eta.sel(member=0)).min()) > 0.3


def test_vmap_compiles_once_and_not_again_for_new_values(vmap_run, small_base):
    assert vmap_run.attrs["compilations"] <= 1  # one program for all members and all chunks
    other = Ensemble.grid(small_base, **{"sea_level": [0.1, 0.2], "rivers.garonne": [500.0, 900.0]})
    again = run_ensemble(other, duration="90min", backend="vmap")
    assert again.attrs["compilations"] == 0
    assert float(again["station_eta"].sel(member=3).isel(time=-1, station=0)) != pytest.approx(
        float(vmap_run["station_eta"].sel(member=3).isel(time=-1, station=0))
    )


def test_members_with_another_structure_are_rejected_in_vmap_mode(small_base):
    storm = [{"type": "storm", "kind": "uniform", "wind_speed": 15.0, "wind_direction": 270.0,
              "pressure": 1000.0}]  # fmt: skip
    ens = Ensemble(small_base, [{}, storm])  # member 1 adds a surface forcing
    with pytest.raises(InputError, match=r"member 1 cannot join a vmap ensemble.*sequential"):
        run_ensemble(ens, duration="30min", backend="vmap")


def test_vmap_with_salinity_and_fields_equals_member_by_member(small_base):
    doc = {**small_base.document, "dtype": "float64", "fields": True, "output_every": "30min"}
    rivers = {"garonne": 0.0, "dordogne": 0.0}
    doc["tracers"] = {
        "salinity": {"initial": 10.0, "diffusivity": 10.0,
                     "boundaries": {"west": 35.0, "east": rivers}}
    }  # fmt: skip
    ens = Ensemble.grid(doc, **{"rivers.garonne": [300.0, 3000.0]})
    a = run_ensemble(ens, duration="30min", backend="vmap")
    b = run_ensemble(ens, duration="30min", backend="sequential")
    assert {"eta", "h", "u", "v", "salinity", "station_salinity"} <= set(a.data_vars)
    assert a["salinity"].dims == ("member", "time", "y", "x")
    for name in ("station_eta", "station_salinity", "eta", "u", "salinity"):
        x, y = a[name].values, b[name].values
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10 * np.nanmax(np.abs(y)))
    assert np.nanmax(np.abs(a["u"].sel(member=1) - a["u"].sel(member=0))) > 1e-3
