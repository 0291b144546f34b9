"""One small real fetch per remote catalog entry (skipped unless TWINBENCH_NETWORK=1).

Entries that need an account also skip when their credentials are absent; the GESLA-4 test
needs ``TWINBENCH_GESLA_URL`` (and ``TWINBENCH_GESLA_SHA256``), since GESLA-4 files are
distributed as one archive rather than one address per file.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from twinbench.data.catalog import open_catalog

pytestmark = pytest.mark.network

BOX = "-1.2,45.4,-1.0,45.6"  # the Gironde mouth


@pytest.fixture(scope="module")
def cat():
    return open_catalog()


def _needs(*names: str) -> None:
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")


def test_refmar_brest_one_day(cat, cache):
    ds = cat.get("refmar_sea_level", station=3, start="2024-01-01", end="2024-01-02")
    assert ds.sizes["time"] >= 20 and 0 < float(ds.sea_level.mean()) < 9


def test_gesla_file(cat, cache):
    _needs("TWINBENCH_GESLA_URL")
    ds = cat.get(
        "gesla_record",
        location=os.environ["TWINBENCH_GESLA_URL"],
        known_hash=os.environ.get("TWINBENCH_GESLA_SHA256"),
    )
    assert ds.sizes["time"] > 0


def test_emodnet_small_box(cat, cache):
    z = cat.get("emodnet_bathymetry", bbox=BOX, resolution=0.01)
    assert z.shape == (20, 20) and float(np.nanmin(z)) < -5


def test_sentinel2_one_week(cat, cache):
    ds = cat.get(
        "sentinel2_l2a_items", bbox=BOX, start="2024-06-01", end="2024-06-08", max_cloud_cover=100
    )
    assert ds.sizes["item"] >= 1


def test_cmems_ibi_one_day(cat, cache):
    _needs("COPERNICUSMARINE_SERVICE_USERNAME", "COPERNICUSMARINE_SERVICE_PASSWORD")
    ds = cat.get("cmems_ibi_physics", bbox=BOX, start="2024-06-01", end="2024-06-01T12:00")
    assert "thetao" in ds


def test_cmems_ocean_colour_one_day(cat, cache):
    _needs("COPERNICUSMARINE_SERVICE_USERNAME", "COPERNICUSMARINE_SERVICE_PASSWORD")
    ds = cat.get("cmems_ocean_colour_spm", bbox=BOX, start="2024-06-01", end="2024-06-02")
    assert "SPM" in ds


def test_era5_three_hours(cat, cache):
    if not (os.environ.get("CDSAPI_KEY") or os.path.exists(os.path.expanduser("~/.cdsapirc"))):
        pytest.skip("needs CDSAPI_URL/CDSAPI_KEY or ~/.cdsapirc")
    ds = cat.get("era5_single_levels", bbox=BOX, start="2020-01-01", end="2020-01-01T03:00")
    assert ds.sizes["time"] == 4 and ds.msl.attrs["units"] == "Pa"


def test_hubeau_garonne_one_week(cat, cache):
    ds = cat.get("hubeau_discharge", station="O900001002", start="2024-01-01", end="2024-01-07")
    assert ds.sizes["time"] >= 5


def test_openmeteo_forecast_three_days(cat, cache):
    ds = cat.get("openmeteo_forecast", lat=45.6, lon=-1.1, days=3)
    assert ds.sizes["time"] >= 48
