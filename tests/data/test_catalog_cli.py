"""``twinbench catalog list|show|get`` from the shell: output, CF NetCDF, errors exit 2."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from twinbench.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_list_and_show(capsys):
    assert main(["catalog", "list"]) == 0
    out = capsys.readouterr().out
    assert "ticon4_constants" in out and "emodnet_bathymetry" in out and "CC-BY-4.0" in out
    assert main(["catalog", "show", "refmar_sea_level"]) == 0
    out = capsys.readouterr().out
    assert "attribution: Shom / REFMAR" in out
    assert "station (int, required)" in out and "source (int, default 4)" in out


def test_get_writes_cf_netcdf(tmp_path, capsys):
    out = tmp_path / "royan.nc"
    assert main(["catalog", "get", "ticon4_constants", "-p", "station=Royan", "-o", str(out)]) == 0
    assert "attribution: TICON-4" in capsys.readouterr().out
    with xr.open_dataset(out) as ds:
        assert ds.attrs["station"] == "Royan" and ds.attrs["license"] == "CC-BY-4.0"
        assert ds.latitude.attrs["standard_name"] == "latitude"
        assert ds.amplitude.attrs["units"] == "m"


def test_get_a_dataarray_entry(tmp_path):
    out = tmp_path / "shelf.nc"
    assert main(["catalog", "get", "etopo2v2_shelf_bathymetry", "-o", str(out)]) == 0
    with xr.open_dataset(out) as ds:
        assert ds.elevation.attrs["units"] == "m" and "NOAA" in ds.attrs["attribution"]


def test_get_a_reader_entry_from_another_catalog_file(tmp_path, cache):
    catalog = tmp_path / "local.yaml"
    text = (Path(__file__).resolve().parents[2] / "catalogs" / "twinbench.yaml").read_text()
    catalog.write_text(text)  # the shipped catalog, moved: reader entries do not need its folder
    out = tmp_path / "z.nc"
    argv = ["catalog", "get", "gesla_record", "-p", f"location={FIXTURES / 'gesla_port_bloc.txt'}"]
    assert main([*argv, "-o", str(out), "--catalog", str(catalog)]) == 0
    with xr.open_dataset(out) as ds:
        assert ds.sizes["time"] == 6


def test_errors_exit_2_with_the_message(tmp_path, capsys):
    assert main(["catalog", "show", "nope"]) == 2
    assert "no catalog entry 'nope'" in capsys.readouterr().err
    out = str(tmp_path / "x.nc")
    assert main(["catalog", "get", "refmar_sea_level", "-o", out]) == 2
    assert "needs the parameter 'station'" in capsys.readouterr().err
    assert main(["catalog", "get", "ticon4_constants", "-p", "station", "-o", out]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err
    assert main(["catalog", "get", "ticon4_constants", "-o", str(tmp_path / "x.csv")]) == 2
    assert "must end in .nc" in capsys.readouterr().err
    assert main(["catalog", "list", "--catalog", str(tmp_path / "none.yaml")]) == 2
    assert "no catalog file" in capsys.readouterr().err


def test_service_failure_exits_2(tmp_path, cache, capsys, monkeypatch):
    monkeypatch.delenv("COPERNICUSMARINE_SERVICE_USERNAME", raising=False)
    monkeypatch.delenv("COPERNICUSMARINE_SERVICE_PASSWORD", raising=False)
    params = ["-p", "bbox=-1.5,45,-1,45.5", "-p", "start=2024-01-01", "-p", "end=2024-01-02"]
    code = main(["catalog", "get", "cmems_ibi_physics", *params, "-o", str(tmp_path / "i.nc")])
    assert code == 2
    assert "COPERNICUSMARINE_SERVICE_USERNAME" in capsys.readouterr().err
