"""The catalog and its shipped entries: every one opens offline and is CF with its attribution."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import twinbench
from twinbench.data.catalog import Catalog, check_params, open_catalog
from twinbench.io.inputs import InputError

SHIPPED = [
    "ticon4_constants",
    "etopo2v2_shelf_bathymetry",
    "argo_profiles",
    "ibi_argo_subset",
    "gdp_drifter_track",
    "histolitt_coastline",
    "shom_reference_levels",
    "shom_mean_sea_level",
]
REMOTE = [
    "refmar_sea_level",
    "gesla_record",
    "emodnet_bathymetry",
    "cmems_ibi_physics",
    "cmems_ocean_colour_spm",
    "sentinel2_l2a_items",
    "era5_single_levels",
    "hubeau_discharge",
    "openmeteo_forecast",
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return open_catalog()


def test_lists_every_entry_with_licence_and_attribution(cat):
    assert cat.list() == SHIPPED + REMOTE
    for name in cat.list():
        info = cat.describe(name)
        assert info["description"] and info["license"] and info["attribution"], name
        assert info["kind"] == ("shipped" if name in SHIPPED else "remote")
    assert "IGN-Shom 2009" in cat.describe("histolitt_coastline")["attribution"]
    assert cat.describe("cmems_ibi_physics")["credentials"].startswith("COPERNICUSMARINE")
    station = cat.describe("refmar_sea_level")["parameters"]["station"]
    assert station["required"] and station["type"] == "int"


def _physical(var: xr.DataArray) -> bool:
    """Floating-point data are quantities; integers are counts, ids and flags."""
    return np.issubdtype(var.dtype, np.floating)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_entry_opens_offline_as_cf(cat, name):
    data = cat.get(name)
    ds = data.to_dataset(name=data.name) if isinstance(data, xr.DataArray) else data
    assert data.attrs["license"] and data.attrs["attribution"]
    assert data.attrs["catalog_entry"] == name
    for coord in ("latitude", "longitude", "LATITUDE", "LONGITUDE", "x", "y"):
        if coord in ds.coords:
            assert ds[coord].attrs["standard_name"] in ("latitude", "longitude"), coord
            assert ds[coord].attrs["units"] in ("degrees_north", "degrees_east"), coord
    standard = [v for v in ds.variables.values() if "standard_name" in v.attrs]
    assert len(standard) >= 2, f"{name}: too few CF standard names"
    for var_name, var in ds.data_vars.items():
        if _physical(var) and var.ndim:
            assert "units" in var.attrs, f"{name}.{var_name} has no units"


def test_shipped_values_are_the_real_ones(cat):
    bordeaux = cat.get("ticon4_constants", station="Bordeaux")
    assert float(bordeaux.amplitude.sel(constituent="M2")) == pytest.approx(2.04, abs=0.01)
    levels = cat.get("shom_reference_levels").sel(port="Bordeaux")
    assert float(levels.nm) == pytest.approx(2.45)  # 245 cm above chart datum in the file
    assert float(levels.chart_datum_height) == pytest.approx(-1.812)
    assert str(levels.chart_datum_reference.values) == "IGN69"
    msl = cat.get("shom_mean_sea_level")
    assert float(msl.mean_sea_level.sel(port="Royan")) == pytest.approx(3.31)
    track = cat.get("gdp_drifter_track")
    assert track.sizes["time"] == 470 and str(track.trajectory.values) == "6203641"
    assert 12 < float(track.sst.mean()) < 14
    z = cat.get("etopo2v2_shelf_bathymetry")
    assert z.dims == ("latitude", "longitude") and float(z.min()) < -4000 < 0 < float(z.max())
    coast = cat.get("histolitt_coastline")
    assert int(coast.part_node_count.sum()) == coast.sizes["node"]
    assert float(coast.x.min()) >= -1.75 and float(coast.x.max()) <= 0.05


def test_parameters_are_checked_with_clear_errors(cat):
    with pytest.raises(InputError, match="no catalog entry 'nope'"):
        cat.get("nope")
    with pytest.raises(InputError, match="has no parameter 'stations'"):
        cat.get("ticon4_constants", stations="Royan")
    with pytest.raises(InputError, match="needs the parameter 'station'"):
        cat.get("refmar_sea_level", start="2024-01-01", end="2024-01-02")
    with pytest.raises(InputError, match="must be of type int"):
        cat.get("refmar_sea_level", station="Brest", start="2024-01-01", end="2024-01-02")
    with pytest.raises(InputError, match="unknown TICON station"):
        cat.get("ticon4_constants", station="Atlantis")
    specs = {"bbox": {"type": "list", "required": True}, "days": {"type": "int", "default": 10}}
    assert check_params("e", specs, {"bbox": "-1,44,0,45"}) == {
        "bbox": ["-1", "44", "0", "45"],
        "days": 10,
    }


def test_bad_catalog_path_and_incomplete_entries(tmp_path):
    with pytest.raises(InputError, match="no catalog file"):
        open_catalog(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sources:\n  x:\n    driver: twinbench.data.catalog.ReaderSource\n"
        "    args: {reader: 'twinbench.data.shipped:shelf_bathymetry'}\n"
        "    metadata: {kind: shipped, source: s}\n"
    )
    with pytest.raises(InputError, match=r"lacks the metadata \['license', 'attribution'\]"):
        open_catalog(bad)


def test_the_same_yaml_works_through_intake_directly():
    import intake

    cat = intake.open_catalog(str(ROOT / "catalogs" / "twinbench.yaml"))
    ds = cat["ibi_argo_subset"].read()
    assert ds["zos"].attrs["standard_name"] == "sea_surface_height_above_geoid"
    constants = cat._entries["ticon4_constants"](station="Royan").read()
    assert constants.attrs["station"] == "Royan"


def test_intake_is_imported_in_one_module_and_lazily():
    importers = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "twinbench").rglob("*.py")
        if any(
            line.strip().startswith(("import intake", "from intake"))
            for line in p.read_text().splitlines()
        )
    ]
    assert importers == ["twinbench/data/catalog.py"]
    code = "import sys, twinbench; assert 'intake' not in sys.modules; twinbench.open_catalog"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert twinbench.open_catalog is open_catalog


def test_every_reader_entry_takes_its_declared_parameters(cat):
    import importlib
    import inspect

    for name in cat.list():
        entry = cat._entry(name).describe()
        if entry["driver"] != ["twinbench_reader"]:
            continue
        module, _, function = entry["args"]["reader"].partition(":")
        reader = getattr(importlib.import_module(module), function)
        declared = {**entry["args"].get("options", {}), **entry["metadata"].get("parameters", {})}
        inspect.signature(reader).bind(**dict.fromkeys(declared))  # raises on a mismatch
