"""Satellite SPM maps onto the model grid, units, and field skill, on synthetic fields."""

import numpy as np
import pytest
import xarray as xr

from twinbench.analysis import convert_concentration, field_skill, regrid_to_model
from twinbench.domains import from_bbox
from twinbench.io.inputs import InputError

STEP = 0.004  # degrees, ≈ 300–450 m pixels (ocean colour)


@pytest.fixture(scope="module")
def domain():
    return from_bbox((-1.6, 45.8, -1.0, 46.3), 3000.0, source="etopo", stations=False)


def _satellite(values_of, units="mg L-1"):
    lon = np.arange(-1.66, -0.94, STEP)
    lat = np.arange(45.74, 46.36, STEP)
    lon2, lat2 = np.meshgrid(lon, lat)
    return xr.DataArray(
        values_of(lon2, lat2),
        dims=("lat", "lon"),
        coords={"lat": lat, "lon": lon},
        name="spm",
        attrs={
            "units": units,
            "standard_name": "mass_concentration_of_suspended_matter_in_sea_water",
        },
    )


def linear(lon, lat):
    return 20.0 + 30.0 * (lon + 1.6) + 50.0 * (lat - 45.8)  # mg L-1


def test_bilinear_is_exact_for_a_linear_field(domain):
    out = regrid_to_model(_satellite(linear), domain, method="bilinear")
    assert out.attrs["units"] == "kg m-3" and out.dims == ("y", "x")
    wet = domain["depth"].values > 0
    expected = 1e-3 * linear(domain["lon"].values, domain["lat"].values)
    np.testing.assert_allclose(out.values[wet], expected[wet], rtol=1e-9)
    assert np.isnan(out.values[~wet]).all()  # model land


def test_average_of_a_constant_and_of_a_linear_field(domain):
    wet = domain["depth"].values > 0
    constant = regrid_to_model(_satellite(lambda lon, lat: 0 * lon + 7.0, "g m-3"), domain)
    np.testing.assert_allclose(constant.values[wet], 7e-3, rtol=1e-12)
    pixels = constant["pixels"].values[wet]
    assert pixels.min() >= 40  # 3 km cells hold 7–8 × 10–11 pixels of 0.004°
    out = regrid_to_model(_satellite(linear), domain, units="mg L-1")
    expected = linear(domain["lon"].values, domain["lat"].values)
    # the mean of a linear field over a cell's pixels is its value at their centroid, within
    # half a pixel of the cell centre: |∇| × STEP/2 = 50 mg/L/° × 0.002° = 0.1 mg L-1
    np.testing.assert_allclose(out.values[wet], expected[wet], atol=0.1)


def test_clouds_leave_cells_empty(domain):
    def cloudy(lon, lat):
        return np.where((lon > -1.4) & (lon < -1.2), np.nan, 5.0 + 0 * lon)

    out = regrid_to_model(_satellite(cloudy), domain)
    lon = domain["lon"].values
    wet = domain["depth"].values > 0
    inside = wet & (lon > -1.37) & (lon < -1.23)  # cells wholly under the cloud
    clear = wet & ((lon < -1.45) | (lon > -1.15))
    assert inside.any() and np.isnan(out.values[inside]).all()
    np.testing.assert_allclose(out.values[clear], 5e-3)
    bilinear = regrid_to_model(_satellite(cloudy), domain, method="bilinear")
    assert np.isnan(bilinear.values[inside]).all()


def test_units_are_converted():
    g = xr.DataArray([3.0], attrs={"units": "g m-3"})
    assert float(convert_concentration(g, "mg L-1")[0]) == 3.0
    assert float(convert_concentration(g, "kg m-3")[0]) == pytest.approx(3e-3)
    assert float(convert_concentration(g, "mg m-3")[0]) == pytest.approx(3e3)
    with pytest.raises(InputError, match="unknown concentration units 'NTU'"):
        convert_concentration(xr.DataArray([1.0], attrs={"units": "NTU"}), "kg m-3")
    with pytest.raises(InputError, match="no 'units'"):
        convert_concentration(xr.DataArray([1.0]), "kg m-3")


def test_field_skill_of_a_model_twice_too_high(domain):
    satellite = _satellite(linear, "g m-3")
    on_model = regrid_to_model(satellite, domain, units="g m-3")
    model = (2e-3 * on_model).assign_attrs(units="kg m-3")  # kg m-3, twice the satellite
    wet = domain["depth"] > 0
    skill = field_skill(model, on_model, wet=wet)
    valid = np.isfinite(on_model.values) & wet.values
    assert skill["n_cells"] == int(valid.sum())
    assert skill["log_ratio"] == pytest.approx(np.log10(2.0))
    assert skill["bias"] == pytest.approx(float(np.nanmean(on_model.values[valid])))
    assert skill["correlation"] == pytest.approx(1.0)
    assert skill["units"] == "g m-3"
    no_cells = on_model.where(False)
    with pytest.raises(InputError, match="no wet, cloud-free cell"):
        field_skill(model, no_cells)


def test_dataset_by_standard_name_and_bad_inputs(domain):
    ds = _satellite(linear).to_dataset()
    out = regrid_to_model(ds, domain)
    assert np.isfinite(out.values).any()
    with pytest.raises(InputError, match="standard_name"):
        regrid_to_model(ds.rename(spm="x").assign(y=ds.spm), domain)
    with pytest.raises(InputError, match="method"):
        regrid_to_model(ds, domain, method="nearest")
    with pytest.raises(InputError, match="latitude, longitude"):
        regrid_to_model(xr.DataArray(np.zeros(3), dims="t", attrs={"units": "g m-3"}), domain)
