"""Domains from a bounding box (offline, on the shipped ETOPO2v2 subset)."""

from importlib import resources

import numpy as np
import pyproj
import pytest
import xarray as xr
from scipy.interpolate import RegularGridInterpolator

import twinbench
from twinbench.domains import biscay, domain_stations, from_bathymetry, from_bbox
from twinbench.domains.bbox import LAND_DEPTH, MIN_DEPTH, etopo_elevation
from twinbench.io.inputs import InputError

LOIRE = (-2.6, 47.0, -1.9, 47.45)
BREST = (-5.2, 48.2, -4.3, 48.5)
PERTUIS = (-1.6, 45.8, -1.0, 46.3)


def _etopo_at(lon, lat):
    path = resources.files("twinbench.domains") / "data" / "etopo2v2_biscay.npz"
    with np.load(str(path)) as g:
        f = RegularGridInterpolator((g["lat"], g["lon"]), -g["z"].astype(float))
    return f(np.column_stack([lat.ravel(), lon.ravel()])).reshape(lat.shape)


@pytest.mark.parametrize("bbox", [LOIRE, BREST, PERTUIS], ids=["loire", "brest", "pertuis"])
def test_land_and_depths_agree_with_the_source(bbox):
    # 800 m cells are finer than a third of ETOPO2v2's 2' spacing: one sample per cell, at its
    # centre, so each cell coincides with the source value there.
    ds = from_bbox(bbox, 800.0, source="etopo")
    assert ds.attrs["subsamples_per_cell"] == 1
    source = _etopo_at(ds["lon"].values, ds["lat"].values)
    depth = ds["depth"].values
    wet = depth > 0
    np.testing.assert_allclose(depth[wet], np.maximum(source[wet], MIN_DEPTH), rtol=1e-12)
    assert (source[~wet & (source > 0)].size) < 0.05 * wet.sum()  # dead ends, lakes only
    assert (depth[source <= 0] == LAND_DEPTH).all()
    assert np.array_equal(ds["land_mask"].values == 1, ~wet)
    np.testing.assert_array_equal(ds["water_fraction"].values, (source > 0).astype(float))


def test_conventions_crs_and_stations():
    ds = from_bbox(PERTUIS, 2000.0, source="etopo")
    assert ds.attrs["epsg"] == 32630 and ds["crs"].attrs["epsg_code"] == "EPSG:32630"
    assert ds["crs"].attrs["grid_mapping_name"] == "transverse_mercator"
    assert ds["depth"].attrs["standard_name"] == "sea_floor_depth_below_geoid"
    assert ds["depth"].attrs["grid_mapping"] == "crs"
    assert np.allclose(np.diff(ds["x"]), 2000.0) and np.allclose(np.diff(ds["y"]), 2000.0)
    west, south, east, north = PERTUIS
    assert ds["lon"].min() >= west and ds["lon"].max() <= east
    assert ds["lat"].min() >= south and ds["lat"].max() <= north
    to_lonlat = pyproj.Transformer.from_crs("EPSG:32630", "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(float(ds.x[3]), float(ds.y[5]))
    assert float(ds.lon[5, 3]) == pytest.approx(lon) and float(ds.lat[5, 3]) == pytest.approx(lat)
    assert ds.attrs["open_boundaries"] == "west south north"
    stations = domain_stations(ds)
    assert "La Rochelle-la-Pallice" in stations.index and len(stations) == 4
    assert (ds["depth"].values[stations["j"], stations["i"]] > 0).all()
    assert "ETOPO2v2" in ds.attrs["source"] and "TICON-4" in ds.attrs["source"]
    assert "public domain" in ds.attrs["license"]
    lambert = from_bbox(PERTUIS, 2000.0, source="etopo", crs="EPSG:2154", stations=False)
    assert lambert.attrs["epsg"] == 2154 and "station" not in lambert.dims


def test_an_emodnet_shaped_elevation_is_accepted():
    # As twinbench.data.emodnet.bathymetry returns it: descending latitude is sorted, NaN is
    # no data (land), and the source/licence attributes are carried.
    etopo = etopo_elevation().sel(longitude=slice(-2.6, -1.9), latitude=slice(47.0, 47.45))
    emodnet = etopo.where(etopo < 0).isel(latitude=slice(None, None, -1))
    emodnet.attrs = {"units": "m", "source": "EMODnet Bathymetry DTM", "license": "CC-BY-4.0"}
    ds = from_bathymetry(emodnet, 2000.0, name="Loire mouth", stations=False)
    reference = from_bathymetry(etopo, 2000.0, stations=False)
    assert ds.attrs["license"] == "CC-BY-4.0" and ds.attrs["title"].startswith("Loire mouth")
    wet, wet_reference = ds["depth"].values > 0, reference["depth"].values > 0
    # next to missing data the bilinear samples are missing too: the coast moves seaward a bit
    assert not (wet & ~wet_reference).any() and wet.sum() > 0.75 * wet_reference.sum()


def test_a_tide_on_the_open_sides_stays_finite():
    ds = from_bbox(PERTUIS, 3000.0, source="etopo", stations=False)
    tide = {"type": "tide", "constituents": {"M2": [1.0, 100.0]}}
    sides = ds.attrs["open_boundaries"].split()
    out = twinbench.simulate(
        ds, "3h", output_every="1h", start="2024-03-01", physics={"friction": {
            "law": "manning", "coefficient": 0.025}}, boundaries={s: tide for s in sides},
        dtype="float32",
    )  # fmt: skip
    wet = ds["depth"].values > 0
    eta = out["eta"].values[:, wet]
    assert np.isfinite(eta).all()
    assert 0.3 < np.abs(eta).max() < 3.0  # the tide came in, with no blow-up


def test_closed_sides_conserve_mass():
    ds = from_bbox(LOIRE, 3000.0, source="etopo", stations=False, open_sides="none")
    assert ds.attrs["open_boundaries"] == "" and ds.attrs["closed_boundaries"].split() == [
        "west", "east", "south", "north"]  # fmt: skip
    wet = ds["depth"].values > 0
    x, y = np.meshgrid(ds.x - ds.x.mean(), ds.y - ds.y.mean())
    bump = np.where(wet, 0.5 * np.exp(-(x**2 + y**2) / 15_000.0**2), -ds["depth"].values)
    ds = ds.assign(eta=(("y", "x"), bump, {"standard_name": "sea_surface_height_above_geoid",
                                             "units": "m"}))  # fmt: skip
    out = twinbench.simulate(ds, "2h", output_every="30min")
    volume = out["h"].sum(("x", "y")).values
    np.testing.assert_allclose(volume, volume[0], rtol=1e-12)
    assert np.isfinite(out["eta"].values).all()


def test_bad_boxes_and_resolutions_are_named():
    with pytest.raises(InputError, match="out of order"):
        from_bbox((-1.0, 45.8, -1.6, 46.3), 2000.0, source="etopo")
    with pytest.raises(InputError, match="degenerate"):
        from_bbox((-1.6, 45.8, -1.6, 46.3), 2000.0, source="etopo")
    with pytest.raises(InputError, match="outside the shipped ETOPO2v2"):
        from_bbox((-10.0, 45.8, -9.0, 46.3), 2000.0, source="etopo")
    with pytest.raises(InputError, match="bbox must be"):
        from_bbox((-1.6, 45.8, -1.0), 2000.0, source="etopo")
    with pytest.raises(InputError, match=r"too fine.*2,000,000"):
        from_bbox((-7.0, 43.0, -0.5, 49.0), 300.0, source="etopo")
    with pytest.raises(InputError, match="too coarse"):
        from_bbox(PERTUIS, 20_000.0, source="etopo")
    with pytest.raises(InputError, match="no water in the box"):
        from_bbox((-0.9, 44.0, -0.3, 44.5), 2000.0, source="etopo")  # the Landes forest
    with pytest.raises(InputError, match="resolution"):
        from_bbox(PERTUIS, "fine", source="etopo")
    with pytest.raises(InputError, match="source"):
        from_bbox(PERTUIS, 2000.0, source="gebco")
    with pytest.raises(InputError, match="projected"):
        from_bbox(PERTUIS, 2000.0, source="etopo", crs="EPSG:4326")
    with pytest.raises(InputError, match="\\['east'\\] have no water"):
        from_bbox(PERTUIS, 2000.0, source="etopo", open_sides=("west", "east"))
    with pytest.raises(InputError, match="'Paris'"):
        from_bbox(PERTUIS, 2000.0, source="etopo", stations={"Paris": (2.35, 48.85)})


def test_biscay_is_unchanged():
    # Numbers of the domain as built before its pieces moved to twinbench.domains.raster
    # (checked then to be identical bit for bit at 10, 7.5 and 5 km).
    for resolution, cells, depth_sum, fraction_sum, clipped in (
        ("coarse", 1923, 3090852.3882133523, 1953.015625, 1),
        ("default", 7746, 12363653.443636462, 7812.0625, 31),
    ):
        ds = biscay(resolution)
        depth = ds["depth"].values
        assert int((depth > 0).sum()) == cells
        assert float(depth[depth > 0].sum()) == pytest.approx(depth_sum, rel=1e-12)
        assert float(ds["water_fraction"].values.sum()) == pytest.approx(fraction_sum, rel=1e-12)
        assert ds.attrs["cells_clipped_to_minimum_depth"] == clipped
        assert ds.attrs["open_boundaries"] == "west north"


@pytest.mark.network
def test_emodnet_box_builds_a_domain():
    ds = from_bbox((-1.3, 45.45, -0.9, 45.75), 1000.0, source="emodnet", stations=False)
    assert (ds["depth"].values > 0).any() and "EMODnet" in ds.attrs["source"]


def test_the_elevation_is_checked():
    etopo = etopo_elevation()
    with pytest.raises(InputError, match="metres"):
        from_bathymetry(etopo.assign_attrs(units="ft"), 2000.0)
    with pytest.raises(InputError, match="latitude"):
        from_bathymetry(xr.DataArray(np.zeros((3, 3)), dims=("a", "b")), 2000.0)
    with pytest.raises(InputError, match="min_depth"):
        from_bbox(PERTUIS, 2000.0, source="etopo", min_depth=0.0)
