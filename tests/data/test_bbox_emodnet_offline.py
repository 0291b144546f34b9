"""``from_bbox(..., source="emodnet")`` end to end, offline: the real EMODnet reader and the real
download cache against a loopback server answering with a WCS GeoTIFF of a coastal box.

The fixture (``fixtures/emodnet_wcs_coastal.tif``, written by ``make_emodnet_coastal.py``) holds
a plane of elevations with no data on land, so every depth of the domain has a closed form.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from twinbench.data import emodnet
from twinbench.data.fetch import DataError
from twinbench.domains import from_bbox
from twinbench.domains.bbox import LAND_DEPTH, MIN_DEPTH
from twinbench.io.inputs import InputError

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location(
    "make_emodnet_coastal", FIXTURES / "make_emodnet_coastal.py"
)
coastal = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coastal)


@pytest.fixture
def wcs(loopback, cache, monkeypatch):
    """The loopback server as the EMODnet WCS: ``from_bbox`` calls the real reader
    (``twinbench.data.emodnet.bathymetry``), only its address is the loopback one."""
    loopback.route("/wcs", (FIXTURES / "emodnet_wcs_coastal.tif").read_bytes())
    reader = functools.partial(emodnet.bathymetry, url=loopback.url("/wcs"))
    monkeypatch.setattr(emodnet, "bathymetry", reader)
    return loopback


def test_the_request_is_the_documented_wcs_query(wcs):
    from_bbox(coastal.BOX, coastal.RESOLUTION, source="emodnet", stations=False)
    degrees = coastal.RESOLUTION / 3.0 / coastal.METRES_PER_DEGREE  # a third of a cell
    assert wcs.requests == [
        (
            "/wcs",
            {
                "service": "WCS",
                "version": "1.0.0",
                "request": "GetCoverage",
                "coverage": "emodnet:mean",
                "crs": "EPSG:4326",
                "bbox": "-1.300000,45.500000,-1.000000,45.750000",
                "format": "GeoTIFF",
                "resx": f"{degrees:.10f}",
                "resy": f"{degrees:.10f}",
                "interpolation": "nearest",
            },
        )
    ]


def test_the_depths_are_the_fixture_s(wcs):
    ds = from_bbox(coastal.BOX, coastal.RESOLUTION, source="emodnet", stations=False)
    depth, fraction = ds["depth"].values, ds["water_fraction"].values
    expected = -coastal.plane(ds["lon"].values, ds["lat"].values)  # at the cell centres
    assert ds.attrs["epsg"] == 32630 and ds.attrs["subsamples_per_cell"] == 64
    assert ds.attrs["open_boundaries"] == "west south north"  # the east side is land
    wet = depth > 0
    # A cell all of whose 64 samples are sea takes the mean of the plane over them: the plane
    # at the cell centre (the UTM → lon/lat map is affine to 1e-6 over a cell).
    full = wet & (fraction == 1.0) & (expected > MIN_DEPTH + 0.5)
    assert full.sum() > 0.4 * depth.size
    np.testing.assert_allclose(depth[full], expected[full], atol=2e-3)
    # Shallower water is deepened to the minimum depth; no water where the plane is land.
    assert np.all(depth[wet] >= MIN_DEPTH)
    assert not (wet & (expected < -1.0)).any()
    # No data (land above 2 m) is land; so is every cell the plane puts above the sea.
    assert np.all(depth[expected < 0] == LAND_DEPTH)
    # The cells on the coast hold only their sea samples (the data's coast), partly wet.
    coast = wet & (fraction < 1.0)
    assert coast.any() and np.all(depth[coast] >= MIN_DEPTH)
    assert "EMODnet" in ds.attrs["source"] and ds.attrs["license"] == "CC-BY-4.0"
    assert "EMODnet Bathymetry Consortium" in ds.attrs["attribution"]


def test_a_second_domain_comes_from_the_cache(wcs):
    first = from_bbox(coastal.BOX, coastal.RESOLUTION, source="emodnet", stations=False)
    again = from_bbox(coastal.BOX, coastal.RESOLUTION, source="emodnet", stations=False)
    assert len(wcs.requests) == 1  # the GeoTIFF was kept in $TWINBENCH_CACHE
    assert again["depth"].equals(first["depth"])


def test_service_errors_and_bad_boxes_are_clear(wcs, cache):
    with pytest.raises(InputError, match="out of order"):
        from_bbox((-1.0, 45.5, -1.3, 45.75), coastal.RESOLUTION, source="emodnet")
    assert wcs.requests == []  # refused before anything is sent
    wcs.reset()
    report = b'<?xml version="1.0" ?><ServiceExceptionReport version="1.2.0"><ServiceException>'
    report += b"Could not find coverage emodnet:mean</ServiceException></ServiceExceptionReport>"
    wcs.route("/wcs", report, headers={"Content-Type": "application/vnd.ogc.se_xml"})
    with pytest.raises(DataError, match="not a readable GeoTIFF"):
        from_bbox(coastal.BOX, coastal.RESOLUTION, source="emodnet", stations=False)
    assert not list(cache.rglob("*.tif"))  # not kept in the cache


def test_url_points_from_bbox_at_another_wcs_endpoint(loopback, cache):
    """No monkeypatching: ``url=`` sends the request to the given endpoint (a mirror)."""
    loopback.route("/mirror/wcs", (FIXTURES / "emodnet_wcs_coastal.tif").read_bytes())
    ds = from_bbox(
        coastal.BOX,
        coastal.RESOLUTION,
        source="emodnet",
        url=loopback.url("/mirror/wcs"),
        stations=False,
    )
    assert [path for path, _ in loopback.requests] == ["/mirror/wcs"]
    assert (ds["depth"].values > 0).any()
    with pytest.raises(InputError, match=r"url= .* needs source='emodnet'"):
        from_bbox(coastal.BOX, coastal.RESOLUTION, source="etopo", url=loopback.url("/wcs"))
