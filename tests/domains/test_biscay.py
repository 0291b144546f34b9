"""The Bay of Biscay domain built from the shipped ETOPO2v2 subset."""

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from twinbench.domains import biscay, biscay_stations
from twinbench.domains.biscay import GAUGE_MIN_DEPTH, LAND_DEPTH, MIN_DEPTH
from twinbench.scenarios.runner import DOMAINS

SHARED = Path("/work/shared/data/bathymetry/etopo2v2_biscay_10W10E_40N50N.nc")


@pytest.fixture(scope="module")
def coarse():
    return biscay("coarse")


def test_grid_sizes_and_crs(coarse):
    assert (coarse.sizes["x"], coarse.sizes["y"]) == (45, 62)
    assert coarse.attrs["resolution_m"] == 10_000.0
    assert coarse["crs"].attrs["epsg_code"] == "EPSG:2154"
    assert np.allclose(np.diff(coarse["x"]), 10_000.0)
    default = biscay("default")
    assert (default.sizes["x"], default.sizes["y"]) == (90, 124)
    assert biscay(7_500.0).sizes["x"] == 60


def test_covers_the_shelf_from_brittany_to_spain(coarse):
    lon, lat = coarse["lon"].values, coarse["lat"].values
    assert lat.min() < 43.3 and lat.max() > 48.5
    assert lon.min() < -6.0 and lon.max() > -1.0


def test_depths_land_and_minimum_depth(coarse):
    depth = coarse["depth"].values
    wet = depth > 0
    assert set(np.unique(depth[~wet])) == {LAND_DEPTH}
    assert depth[wet].min() >= MIN_DEPTH
    assert coarse.attrs["minimum_depth_m"] == MIN_DEPTH
    assert depth.max() > 4000  # the abyssal plain to the west
    assert np.array_equal(coarse["land_mask"].values == 1, ~wet)

    def depth_at(lon, lat):
        d2 = (coarse["lon"] - lon) ** 2 + (coarse["lat"] - lat) ** 2
        j, i = np.unravel_index(int(np.argmin(d2.values)), d2.shape)
        return depth[j, i]

    assert depth_at(-5.0, 45.0) > 3000  # deep water where Xynthia's centre was at 21 UTC
    assert 20 < depth_at(-2.0, 46.0) < 150  # the shelf off the Vendée
    assert depth_at(-0.7, 44.5) == LAND_DEPTH  # the Landes


def test_open_boundaries_are_the_sides_with_sea(coarse):
    assert coarse.attrs["open_boundaries"] == "west north"
    wet = coarse["depth"].values > 0
    assert wet[:, 0].mean() > 0.85 and wet[-10:, 0].all()  # sea but for Galicia/Asturias
    assert wet[-1, :].any() and not wet[-1, :].all()  # north: Iroise sea, then Brittany
    assert not wet[:, -1].any() and not wet[0, :].any()  # east and south: land


def test_sea_is_connected_and_has_no_dead_ends(coarse):
    from scipy import ndimage

    wet = coarse["depth"].values > 0
    _, count = ndimage.label(wet)
    assert count == 1
    padded = np.pad(wet, 1, constant_values=True)
    land_neighbours = (
        (~padded[:-2, 1:-1]).astype(int)
        + ~padded[2:, 1:-1]
        + ~padded[1:-1, :-2]
        + ~padded[1:-1, 2:]
    )
    assert not (wet & (land_neighbours >= 3)).any()


def test_attribution_is_in_the_attributes(coarse):
    assert "ETOPO2v2" in coarse.attrs["source"]
    assert "public domain" in coarse.attrs["license"]
    assert "doi:10.7289/V5J1012Q" in coarse.attrs["references"]
    assert "TICON-4" in coarse.attrs["acknowledgement"]


@pytest.mark.parametrize("resolution", ["coarse", "default"])
def test_stations_snap_to_wet_cells(resolution):
    domain = biscay(resolution)
    stations = biscay_stations(domain)
    assert list(stations.index) == [
        "La Rochelle-La Pallice", "Pointe de Grave", "Arcachon", "Saint-Nazaire", "Brest",
    ]  # fmt: skip
    depth = domain["depth"].values
    for row in stations.itertuples():
        assert depth[row.j, row.i] > 0
        assert row.distance_m <= 25_000.0
    pallice = stations.loc["La Rochelle-La Pallice"]
    assert pallice["lat"] == pytest.approx(46.1585, abs=1e-3)  # TICON-4 position
    # the rule: the nearest wet cell at least GAUGE_MIN_DEPTH deep (none is left shallower)
    assert (stations["depth_m"] >= GAUGE_MIN_DEPTH).all()
    np.testing.assert_array_equal(stations["depth_m"], depth[stations["j"], stations["i"]])
    nearest = biscay_stations(domain, min_depth=0.0)
    assert (stations["distance_m"] >= nearest["distance_m"] - 1e-6).all()
    deep = depth >= GAUGE_MIN_DEPTH
    x, y = domain["x"].values, domain["y"].values
    jj, ii = np.nonzero(deep)
    for row in stations.itertuples():
        closest = np.hypot(x[ii] - row.x, y[jj] - row.y).min()
        assert row.distance_m == pytest.approx(closest)


def test_gauge_rule_refuses_a_bad_depth(coarse):
    for bad in (-1.0, float("nan"), True):
        with pytest.raises(ValueError, match="min_depth"):
            biscay_stations(coarse, min_depth=bad)


def test_bad_resolutions_are_refused():
    for bad in ("fine", 100.0, True, float("nan")):
        with pytest.raises(ValueError, match="resolution"):
            biscay(bad)


def test_runner_knows_the_domain():
    assert DOMAINS["biscay"](resolution="coarse").sizes["x"] == 45


def test_shipped_subset_is_small_and_unchanged():
    path = resources.files("twinbench.domains") / "data" / "etopo2v2_biscay.npz"
    assert Path(str(path)).stat().st_size < 1_000_000
    if not SHARED.exists():
        pytest.skip("the project's shared data is not on this machine")
    import xarray as xr

    with np.load(str(path)) as shipped, xr.open_dataset(SHARED) as source:
        original = source["z"].sel(x=shipped["lon"], y=shipped["lat"], method="nearest")
        np.testing.assert_array_equal(shipped["z"], original.values)
        np.testing.assert_allclose(original["x"], shipped["lon"], atol=1e-4)
