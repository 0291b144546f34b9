"""Every remote reader against a loopback server answering in the service's real format.

The fixtures (``fixtures/``, written by ``fixtures/make_fixtures.py``) are an EMODnet WCS
GeoTIFF, a data.shom.fr REFMAR JSON answer, a GESLA-4 text file and two CDSE STAC search pages;
each test also checks the exact request the reader sent.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench.data import copernicus, emodnet, era5, gesla, refmar, sentinel2
from twinbench.data.fetch import CredentialsError, DataError
from twinbench.io.inputs import InputError

FIXTURES = Path(__file__).parent / "fixtures"


def test_emodnet_wcs_geotiff_becomes_cf_elevation(loopback, cache):
    loopback.route("/wcs", (FIXTURES / "emodnet_wcs.tif").read_bytes())
    z = emodnet.bathymetry((-1.5, 45.125, -1.0, 45.5), resolution=0.0625, url=loopback.url("/wcs"))
    assert loopback.requests == [
        (
            "/wcs",
            {
                "service": "WCS",
                "version": "1.0.0",
                "request": "GetCoverage",
                "coverage": "emodnet:mean",
                "crs": "EPSG:4326",
                "bbox": "-1.500000,45.125000,-1.000000,45.500000",
                "format": "GeoTIFF",
                "resx": "0.0625000000",
                "resy": "0.0625000000",
                "interpolation": "nearest",
            },
        )
    ]
    assert z.name == "elevation" and z.dims == ("latitude", "longitude") and z.shape == (6, 8)
    assert z.attrs["units"] == "m" and z.attrs["positive"] == "up"
    assert (
        z.attrs["license"] == z.attrs["licence"] == "CC-BY-4.0" and "EMODnet" in z.attrs["source"]
    )
    np.testing.assert_allclose(z.longitude, -1.5 + (np.arange(8) + 0.5) / 16)
    np.testing.assert_allclose(z.latitude, 45.125 + (np.arange(6) + 0.5) / 16)
    assert np.isnan(z.values[0, -1])  # the no-data cell (south-east corner)
    assert float(z.isel(latitude=-1, longitude=0)) == -40.0  # north-west: deepest
    assert float(z.isel(latitude=-1, longitude=-1)) == 10.0  # north-east: land
    again = emodnet.bathymetry(
        (-1.5, 45.125, -1.0, 45.5), resolution=0.0625, url=loopback.url("/wcs")
    )
    assert len(loopback.requests) == 1 and again.equals(z)  # served from the cache


def test_emodnet_exception_report_is_an_error_and_not_cached(loopback, cache):
    report = b'<?xml version="1.0"?><ServiceExceptionReport version="1.2.0"><ServiceException>'
    report += b"Could not find coverage emodnet:mean</ServiceException></ServiceExceptionReport>"
    loopback.route("/wcs", report, headers={"Content-Type": "application/vnd.ogc.se_xml"})
    loopback.route("/wcs", (FIXTURES / "emodnet_wcs.tif").read_bytes())
    with pytest.raises(DataError, match=r"not a readable GeoTIFF.*ServiceExceptionReport"):
        emodnet.bathymetry((-1.5, 45.125, -1.0, 45.5), resolution=0.0625, url=loopback.url("/wcs"))
    z = emodnet.bathymetry((-1.5, 45.125, -1.0, 45.5), resolution=0.0625, url=loopback.url("/wcs"))
    assert z.shape == (6, 8) and len(loopback.requests) == 2


@pytest.mark.parametrize(
    ("bbox", "resolution", "message"),
    [
        ((-1, 45, -2, 46), None, "min < max"),
        ("a,b,c,d", None, "four numbers"),
        ((-1, 45, 0, 46), 500.0, "metres"),
        ((-10, 40, 10, 60), None, "more than"),
    ],
)
def test_emodnet_bad_requests_fail_before_sending(loopback, cache, bbox, resolution, message):
    with pytest.raises(InputError, match=message):
        emodnet.bathymetry(bbox, resolution=resolution, url=loopback.url("/wcs"))
    assert loopback.requests == []


def test_refmar_json_and_windows(loopback, cache):
    loopback.route("/obs/3", (FIXTURES / "refmar_observation.json").read_text())
    ds = refmar.sea_level(3, "2024-01-01", "2024-01-01T05:00", url=loopback.url("/obs/{station}"))
    assert loopback.requests == [
        (
            "/obs/3",
            {"sources": "4", "dtStart": "2024-01-01T00:00:00Z", "dtEnd": "2024-01-01T05:00:00Z"},
        )
    ]
    assert ds.sea_level.attrs["standard_name"] == "water_surface_height_above_reference_datum"
    assert (
        ds.sea_level.attrs["units"] == "m"
        and "chart datum" in ds.sea_level.attrs["reference_datum"]
    )
    assert list(ds.sea_level.values) == [4.21, 4.83, 5.02, 4.66, 3.87, 2.91]
    assert ds.time.values[0] == np.datetime64("2024-01-01T00:00")
    assert "Shom / REFMAR" in ds.attrs["attribution"]
    loopback.reset()
    loopback.route("/obs/3", json.dumps({"data": []}))
    with pytest.raises(DataError, match="no data from source 1"):
        refmar.sea_level(
            3, "2024-01-01", "2024-03-05", source=1, url=loopback.url("/obs/{station}")
        )
    windows = [(q["dtStart"], q["dtEnd"]) for _, q in loopback.requests]
    assert windows == [
        ("2024-01-01T00:00:00Z", "2024-01-31T00:00:00Z"),
        ("2024-01-31T00:00:00Z", "2024-03-01T00:00:00Z"),
        ("2024-03-01T00:00:00Z", "2024-03-05T00:00:00Z"),
    ]


def test_refmar_bad_input(loopback, cache):
    url = loopback.url("/obs/{station}")
    with pytest.raises(InputError, match="REFMAR gauge id"):
        refmar.sea_level("Brest", "2024-01-01", "2024-01-02", url=url)
    with pytest.raises(InputError, match="end must be after start"):
        refmar.sea_level(3, "2024-01-02", "2024-01-01", url=url)
    with pytest.raises(InputError, match="start must be a date"):
        refmar.sea_level(3, "yesterday-ish", "2024-01-01", url=url)
    loopback.route("/obs/3", json.dumps({"error": "unknown"}))
    with pytest.raises(DataError, match="without a 'data' list"):
        refmar.sea_level(3, "2024-01-01", "2024-01-02", url=url)


def test_gesla_text_file_from_a_fixed_url(loopback, cache):
    body = (FIXTURES / "gesla_port_bloc.txt").read_bytes()
    sha = "sha256:" + hashlib.sha256(body).hexdigest()
    loopback.route("/gesla/port_bloc-15-fra-refmar", body)
    ds = gesla.record(loopback.url("/gesla/port_bloc-15-fra-refmar"), known_hash=sha)
    assert loopback.requests == [("/gesla/port_bloc-15-fra-refmar", {})]
    assert str(ds.station_name.values) == "Port-Bloc"
    assert float(ds.latitude) == 45.569 and float(ds.longitude) == -1.061
    np.testing.assert_array_equal(ds.sea_level.values, [4.881, 5.212, np.nan, 4.53, np.nan, 2.815])
    assert list(ds.qc_flag.values) == [1, 1, 5, 1, 4, 1]
    assert ds.sea_level.attrs["reference_datum"].startswith("Chart datum")
    assert "Service Hydrographique" in ds.attrs["attribution"]
    local = gesla.record(FIXTURES / "gesla_port_bloc.txt", known_hash=sha)
    assert local.sea_level.equals(ds.sea_level)
    with pytest.raises(DataError, match="hash"):
        gesla.record(FIXTURES / "gesla_port_bloc.txt", known_hash="sha256:" + "0" * 64)


def test_gesla_rejects_other_files(tmp_path):
    bad = tmp_path / "notgesla.txt"
    bad.write_text("time,value\n2019-01-01,1.0\n")
    with pytest.raises(InputError, match="not a GESLA file"):
        gesla.read(bad)
    with pytest.raises(InputError, match="no GESLA file"):
        gesla.record(tmp_path / "missing.txt")


def test_gesla_time_zone_is_removed(tmp_path):
    text = (FIXTURES / "gesla_port_bloc.txt").read_text()
    shifted = tmp_path / "tz.txt"
    shifted.write_text(text.replace("# TIME ZONE HOURS 0", "# TIME ZONE HOURS 1"))
    assert gesla.read(shifted).time.values[0] == np.datetime64("2018-12-31T23:00")


def test_stac_search_posts_the_query_and_follows_pages(loopback, cache):
    loopback.route("/v1/search", (FIXTURES / "stac_page1.json").read_text())
    loopback.route("/v1/search", (FIXTURES / "stac_page2.json").read_text())
    ds = sentinel2.search(
        (-1.3, 45.2, -0.7, 45.7),
        "2024-06-01",
        "2024-06-30T23:59:59",
        max_cloud_cover=15,
        url=loopback.url("/v1/search"),
    )
    first, second = (json.loads(body) for body in loopback.bodies)
    assert first == {
        "collections": ["sentinel-2-l2a"],
        "bbox": [-1.3, 45.2, -0.7, 45.7],
        "datetime": "2024-06-01T00:00:00Z/2024-06-30T23:59:59Z",
        "limit": 100,
        "filter-lang": "cql2-json",
        "filter": {"op": "<=", "args": [{"property": "eo:cloud_cover"}, 15.0]},
        "sortby": [{"field": "properties.datetime", "direction": "asc"}],
    }
    assert second == {"token": "next:S2B_MSIL2A_20240607T105619_N0510_R094_T30TXQ"}
    assert [p for p, _ in loopback.requests] == ["/v1/search", "/v1/search"]
    assert ds.sizes["item"] == 3
    assert list(pd.DatetimeIndex(ds.time.values).day) == [7, 12, 22]  # sorted by time
    assert list(ds.cloud_cover.values) == [12.5, 3.2, 0.4] and ds.cloud_cover.attrs["units"] == "%"
    assert str(ds.href_TCI_10m.values[0]).startswith("s3://eodata/Sentinel-2/MSI/L2A/")
    assert "Copernicus Sentinel data 2024" in ds.attrs["attribution"]


def test_stac_no_scene_is_a_clear_error(loopback, cache):
    loopback.route("/v1/search", json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(DataError, match="no sentinel-2-l2a scene"):
        sentinel2.search(
            (-1, 45, 0, 46), "2024-06-01", "2024-06-02", url=loopback.url("/v1/search")
        )
    with pytest.raises(InputError, match="percentage"):
        sentinel2.search((-1, 45, 0, 46), "2024-06-01", "2024-06-02", max_cloud_cover=120)


def test_copernicus_marine_without_credentials_names_the_variables(cache, monkeypatch):
    monkeypatch.delenv(copernicus.USER_VARIABLE, raising=False)
    monkeypatch.delenv(copernicus.PASSWORD_VARIABLE, raising=False)
    with pytest.raises(CredentialsError) as err:
        copernicus.ibi_physics((-1.5, 45, -1, 45.5), "2024-01-01", "2024-01-02")
    assert "COPERNICUSMARINE_SERVICE_USERNAME and COPERNICUSMARINE_SERVICE_PASSWORD" in str(
        err.value
    )
    monkeypatch.setenv(copernicus.USER_VARIABLE, "someone")
    with pytest.raises(CredentialsError, match="COPERNICUSMARINE_SERVICE_PASSWORD"):
        copernicus.ocean_colour((-1.5, 45, -1, 45.5), "2024-01-01", "2024-01-02")
    assert not list(cache.rglob("*.nc"))


def test_era5_without_credentials_names_the_file_and_variables(cache, monkeypatch, tmp_path):
    monkeypatch.delenv("CDSAPI_URL", raising=False)
    monkeypatch.delenv("CDSAPI_KEY", raising=False)
    monkeypatch.setenv("CDSAPI_RC", str(tmp_path / "no.cdsapirc"))
    with pytest.raises(CredentialsError, match=r"no\.cdsapirc.*CDSAPI_URL and CDSAPI_KEY"):
        era5.single_levels((-2, 44, 0, 46), "2020-01-01", "2020-01-02")
    (tmp_path / "no.cdsapirc").write_text("url: https://cds.example/api\nkey: abc-123\n")
    assert era5.credentials() == ("https://cds.example/api", "abc-123")


def test_era5_request_and_cf_conversion():
    t0, t1 = pd.Timestamp("2020-01-31T22:00"), pd.Timestamp("2020-02-01T02:00")
    query = era5.request(["mean_sea_level_pressure"], (-2.0, 44.0, 0.0, 46.0), t0, t1)
    assert query["area"] == [46.0, -2.0, 44.0, 0.0]
    assert query["year"] == ["2020"] and query["month"] == ["01", "02"]
    assert query["day"] == ["01", "31"] and query["data_format"] == "netcdf"
    # the new CDS NetCDF layout: valid_time, descending latitude, number/expver coordinates
    times = pd.date_range("2020-01-31", periods=48, freq="h")
    raw = xr.Dataset(
        {"msl": (("valid_time", "latitude", "longitude"), np.full((48, 3, 2), 101325.0))},
        coords={
            "valid_time": times,
            "latitude": [46.0, 45.0, 44.0],
            "longitude": [-2.0, 0.0],
            "number": 0,
            "expver": ("valid_time", ["0001"] * 48),
        },
    )
    ds = era5.to_cf(raw, t0, t1)
    assert ds.sizes["time"] == 5 and list(ds.latitude.values) == [44.0, 45.0, 46.0]
    assert ds.msl.attrs == {
        "standard_name": "air_pressure_at_mean_sea_level",
        "units": "Pa",
        "long_name": "mean sea-level pressure",
    }
    assert "number" not in ds.variables and "expver" not in ds.variables
