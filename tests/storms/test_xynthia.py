"""Storm Xynthia's surge on the coarse Bay of Biscay grid, with the tide, against SHOM's
observed surges at high water (skew surges).

Tolerances (docs/storms.md, "What limits the agreement"): a factor of 2 at the three gauges on
the storm's right-hand side near landfall (La Rochelle-La Pallice, Pointe de Grave, Arcachon),
a factor of 3 at Saint-Nazaire and Brest, north of the track, where a symmetric parametric
vortex misses the broad synoptic low and the gauges sit in an estuary and a roadstead that a
10 km grid does not resolve. The tide-only high water of 28 Feb is held to the TICON-4
prediction within 15 % in height (the M2/S2 fit's spread, docs/storms.md "Tide") and 45 min.
"""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench.domains import biscay
from twinbench.domains.biscay import STATIONS
from twinbench.storms import OBSERVED_SURGE, xynthia
from twinbench.storms.xynthia import TIDE_ANCHORS, TIDE_CALIBRATION, boundary_tide, skew_surge
from twinbench.tides import predict, ticon


@pytest.fixture(scope="module")
def run():
    return xynthia("coarse")


def test_surge_is_positive_and_ordered(run):
    _, table = run
    assert list(table.index) == list(OBSERVED_SURGE)
    assert (table["modelled_m"] > 0.1).all()
    assert (table["peak_residual_m"] >= table["modelled_m"] - 0.05).all()
    assert (
        table.loc["La Rochelle-La Pallice", "modelled_m"]
        > table.loc["Pointe de Grave", "modelled_m"]
    )
    assert table["modelled_m"].idxmax() == "La Rochelle-La Pallice"
    # the residual peaks at night on 28 Feb, around the landfall (≈ 02:40 UTC on the track)
    hours = (table["peak_time"] - np.datetime64("2010-02-28T00:00")) / np.timedelta64(1, "h")
    assert ((hours > -3) & (hours < 8)).all()


def test_surge_within_the_stated_factors_of_the_observations(run):
    _, table = run
    ratio = table["ratio"]
    right_side = ["La Rochelle-La Pallice", "Pointe de Grave", "Arcachon"]
    assert ((ratio[right_side] > 1 / 2) & (ratio[right_side] < 2)).all(), ratio
    left_side = ["Saint-Nazaire", "Brest"]
    assert ((ratio[left_side] > 1 / 3) & (ratio[left_side] < 3)).all(), ratio


def test_tide_only_high_water_matches_ticon(run):
    """The storm's high water (≈ 03:30 UTC on 28 Feb, a spring tide) of the tide-only run."""
    ds, table = run
    times = pd.date_range("2010-02-28T00:00", "2010-02-28T07:00", freq="5min")
    for name, station_id in STATIONS.items():
        constants = ticon(station_id)
        expected = predict(constants, times, latitude=constants.attrs["latitude"])
        modelled = ds["station_tide"].sel(station=name, time=slice(times[0], times[-1]))
        assert float(modelled.max()) == pytest.approx(float(expected.max()), rel=0.15), name
        t_model = modelled["time"].values[int(np.argmax(modelled.values))]
        t_ticon = expected["time"].values[int(np.argmax(expected.values))]
        assert abs(t_model - t_ticon) <= np.timedelta64(45, "m"), name
        assert table.loc[name, "high_water_time"] == t_model


def test_dataset_holds_the_surge_fields(run):
    ds, table = run
    assert ds["surge"].dims == ("time", "y", "x")
    assert ds["station_surge"].dims == ("station", "time")
    late = ds["station_surge"].sel(time=slice("2010-02-27T15:00", None))
    np.testing.assert_allclose(late.max("time").values, table["peak_residual_m"])
    residual = ds["station_level"] - ds["station_tide"]
    np.testing.assert_allclose(residual.values, ds["station_surge"].values, atol=1e-12)
    assert float(ds["max_surge"].max()) >= table["peak_residual_m"].max()
    assert ds.attrs["Conventions"] == "CF-1.10"
    assert '"kind": "holland"' in ds.attrs["storm"]
    assert "capped at 0.0025" in ds.attrs["drag"]


def test_skew_surge_of_a_constant_surge_on_a_tide():
    """Tide A cos ωt plus a steady surge s: the skew surge is s whatever the phase."""
    t = np.datetime64("2010-02-27T12:00") + np.arange(0, 30 * 3600, 300).astype("timedelta64[s]")
    seconds = (t - t[0]) / np.timedelta64(1, "s")
    tide = xr.DataArray(2.0 * np.cos(2 * np.pi * seconds / 44714.2), coords={"time": t})
    storm = xr.DataArray(0.8 * np.exp(-(((seconds - 14 * 3600) / 3 / 3600) ** 2)),
                         coords={"time": t})  # fmt: skip
    flat = skew_surge(tide + 0.7, tide, "2010-02-27T15:00")
    assert flat[0] == pytest.approx(0.7)
    assert flat[2] == pytest.approx(2.7, abs=1e-3)
    # a surge peaking 2 h before high water: the skew surge is smaller than its peak
    value, t_hw, _ = skew_surge(tide + storm, tide, "2010-02-27T15:00")
    assert 0.3 < value < 0.8
    assert abs((t_hw - t[0]) / np.timedelta64(1, "s") - 44714.2) < 300


def test_boundary_tide_first_guess_and_calibration():
    domain = biscay("coarse")
    brest, santander = (ticon(s) for s in TIDE_ANCHORS[::-1])
    guess = boundary_tide(domain, "north", calibration={})
    m2 = guess["M2"]
    assert m2["amplitude"].dims == ("x",)
    np.testing.assert_allclose(m2["amplitude"], float(brest.amplitude.sel(constituent="M2")))
    np.testing.assert_allclose(m2["phase"], float(brest.phase.sel(constituent="M2")))
    west = boundary_tide(domain, "west", calibration={})
    south_end = domain["lat"].isel(x=0).values < santander.attrs["latitude"]
    np.testing.assert_allclose(
        west["K1"]["amplitude"].values[south_end], float(santander.amplitude.sel(constituent="K1"))
    )
    calibrated = boundary_tide(domain, "west")
    a, alpha, b, beta = TIDE_CALIBRATION["M2"]
    lat = domain["lat"].isel(x=0).values
    factor = a * np.exp(-1j * np.deg2rad(alpha)) + b * np.exp(-1j * np.deg2rad(beta)) * (
        (lat - 46.0) / 2.5
    )
    z = west["M2"]["amplitude"].values * np.exp(-1j * np.deg2rad(west["M2"]["phase"].values))
    z_cal = calibrated["M2"]["amplitude"].values * np.exp(
        -1j * np.deg2rad(calibrated["M2"]["phase"].values)
    )
    np.testing.assert_allclose(z_cal, z * factor, rtol=1e-12, atol=1e-12)
    # the diurnal constituents are not calibrated
    np.testing.assert_allclose(calibrated["K1"]["amplitude"], west["K1"]["amplitude"])


@pytest.fixture(scope="module")
def nested(run):
    from twinbench.storms import xynthia_gironde

    return xynthia_gironde("coarse", parent=run[0])


def test_nested_in_the_gironde_twin_the_gauges_inside_the_mouth_and_the_lagoon(nested, run):
    """The Biscay run's surge on the Gironde twin's open side (its own tide, the Arcachon lagoon
    open), the same storm over it: Port-Bloc (SHOM's Pointe de Grave surge) and Arcachon-Eyrac
    now sit at their own gauges, inside the mouth and inside the lagoon. Tolerance ±35 %: the
    parent's own errors near the landfall (La Rochelle 0.86×, Pointe de Grave's open-coast
    cell 1.18×) with the parametric vortex's; measured 1.25× and 0.99× (docs/storms.md)."""
    ds, table = nested
    assert list(table.index) == ["Port-Bloc", "Royan", "Pauillac", "Bordeaux", "Arcachon"]
    observed = table.dropna(subset=["observed_m"])
    assert list(observed.index) == ["Port-Bloc", "Arcachon"]
    assert ((observed["ratio"] > 0.65) & (observed["ratio"] < 1.35)).all(), observed["ratio"]
    # closer to the observation than the parent's open-coast cell 15 km off the lagoon (0.55×)
    parent_arcachon = run[1].loc["Arcachon", "ratio"]
    assert abs(table.loc["Arcachon", "ratio"] - 1) < abs(parent_arcachon - 1)
    assert (table["modelled_m"] > 0.3).all()
    hours = (table["peak_time"] - np.datetime64("2010-02-28T00:00")) / np.timedelta64(1, "h")
    assert ((hours > -3) & (hours < 9)).all()
    # the boundary carries the parent's surge: up to ~1 m at its north end, off the Pertuis
    assert ds["boundary_surge"].dims == ("time", "y")
    peak = ds["boundary_surge"].max("time")
    assert float(peak.min()) > 0.2 and float(peak.max()) < 1.5
    assert float(peak.isel(y=-1)) > float(peak.isel(y=0))
    residual = ds["station_level"] - ds["station_tide"]
    np.testing.assert_allclose(residual.values, ds["station_surge"].values, atol=1e-6)


def test_nested_run_needs_a_parent_surge():
    from twinbench.io.inputs import InputError
    from twinbench.storms import xynthia_gironde

    with pytest.raises(InputError, match="no 'surge'"):
        xynthia_gironde("coarse", parent=xr.Dataset())
    surge = xr.Dataset({"surge": xr.DataArray(np.zeros((2, 2, 2)), dims=("time", "y", "x"))})
    with pytest.raises(InputError, match="spin_up"):
        xynthia_gironde("coarse", parent=surge, spin_up=-3600.0)
