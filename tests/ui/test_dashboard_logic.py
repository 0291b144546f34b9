"""The dashboard's logic as plain functions: upload checks, the form's scenario document, the
run table from the index, downloads, the server's address rules."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from twinbench.dashboard import forcing, history, server, uploads
from twinbench.dashboard.jobs import Launcher, checkpoint_every
from twinbench.io.inputs import InputError
from twinbench.runs.index import Index


def _netcdf(tmp_path, attrs, time_values=("2024-03-01", "2024-03-02")) -> bytes:
    time = np.array(time_values, dtype="datetime64[ns]")
    path = tmp_path / "q.nc"
    xr.Dataset({"q": ("time", np.array([600.0, 900.0][: time.size]), attrs)},
               coords={"time": time}).to_netcdf(path)  # fmt: skip
    return path.read_bytes()


CF = {"standard_name": "water_volume_transport_in_river_channel", "units": "m3 s-1"}


def test_cf_discharge_netcdf_becomes_a_hydrograph_over_the_run(tmp_path):
    series = uploads.check_discharge("garonne.nc", _netcdf(tmp_path, CF))
    hydrograph = series.hydrograph("2024-03-01T12:00", 6 * 3600.0)
    assert hydrograph["time"] == [0.0, 21600.0]
    np.testing.assert_allclose(hydrograph["discharge"], [750.0, 825.0])


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"units": "m3 s-1"}, "no variable with a river discharge standard_name"),
        ({**CF, "units": "l/s"}, "must be in m3 s-1, got units 'l/s'"),
    ],
)
def test_netcdf_without_cf_discharge_is_refused(tmp_path, attrs, message):
    with pytest.raises(InputError, match=message):
        uploads.check_discharge("q.nc", _netcdf(tmp_path, attrs))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("q.nc", b"not netcdf at all", "is not a NetCDF file"),
        ("q.xlsx", b"PK", "is not a discharge file: expected .csv or .nc"),
        ("q.csv", b"", "'q.csv' is empty"),
        ("q.csv", b"time,flow\n2024-03-01,3\n", r"missing \['discharge'\]"),
        ("q.csv", b"time,discharge\n2024-03-01,-3\n", "finite and ≥ 0"),
        ("q.csv", b"time,discharge\n2024-03-02,3\n2024-03-01,4\n", "strictly increasing"),
        ("q.csv", b"time,discharge\nyesterday,3\n", "'time' must hold dates"),
    ],
)
def test_bad_discharge_files_name_the_problem(name, data, message):
    with pytest.raises(InputError, match=message):
        uploads.check_discharge(name, data)


def test_size_limit_and_stations_checks():
    with pytest.raises(InputError, match=r"is 2.0 MiB; the limit is 1.0 MiB"):
        uploads.check_stations("s.csv", b"x" * 2**21, limit=2**20)
    with pytest.raises(InputError, match="lat of 'A' must be a number within ±90"):
        uploads.check_stations("s.csv", b"name,lat,lon\nA,95,0\n")
    with pytest.raises(InputError, match=r"station names repeat: \['A'\]"):
        uploads.check_stations("s.csv", b"name,lat,lon\nA,45,0\nA,45,0\n")
    with pytest.raises(InputError, match="not valid YAML"):
        uploads.check_scenario("s.yaml", b"domain: [unclosed")
    with pytest.raises(InputError, match=r"'s.yaml': .*unknown key\(s\) \['colour'\]"):
        uploads.check_scenario("s.yaml", b"domain: gironde\nstart: 2024-03-01\nduration: 1h\n"
                               b"colour: red\n")  # fmt: skip
    # An upload may start from a shipped scenario, never from a path on the server.
    study = uploads.check_scenario("s.yaml", b"base: gironde\ndomain: {resolution: default}\n")
    assert study.domain["resolution"] == "default" and study.tide["constituents"]["M2"]
    with pytest.raises(InputError, match="must be a shipped scenario's name, not the path"):
        uploads.check_scenario("s.yaml", b"base: ../../runs/secret.yaml\n")


def test_form_edits_become_what_ifs_and_uploaded_scenarios_are_listed(tmp_path):
    shipped = forcing.scenario_choices(None)["gironde"]
    series = uploads.check_discharge("d.csv", b"time,discharge\n2024-03-01,100\n2024-03-02,300\n")
    form = forcing.Form(
        base="gironde",
        duration="3h",
        start="2024-03-01T06:00",
        rivers={"garonne": 650.0, "dordogne": 500.0},
        sea_level_offset=0.2,
        discharges={"garonne": series},
    )
    document = forcing.build_document(shipped, form)
    assert (document["duration"], document["start"]) == ("3h", "2024-03-01T06:00")
    kinds = [(w["type"], w.get("river")) for w in document["what_if"]]
    assert kinds == [("river_change", "dordogne"), ("river_change", "garonne"),
                     ("sea_level_rise", None)]  # fmt: skip
    assert document["what_if"][1]["hydrograph"]["discharge"][0] == pytest.approx(
        150.0
    )  # 06:00 of a 100→300 day
    with pytest.raises(InputError, match="river 'amazon' is not in scenario 'gironde'"):
        forcing.build_document(shipped, forcing.Form("gironde", rivers={"amazon": 1.0}))
    with pytest.raises(InputError, match="offset_m"):
        forcing.build_document(shipped, forcing.Form("gironde", sea_level_offset=9.0))
    uploaded = uploads.check_scenario("mine.yaml", shipped.read_bytes().replace(
        b"name: gironde", b"name: my-gironde", 1))  # fmt: skip
    path = forcing.save_scenario(tmp_path, uploaded)
    assert forcing.scenario_choices(tmp_path)["my-gironde"] == path


def test_run_table_downloads_and_pending_submissions(tmp_path):
    from twinbench import runs

    basin = {
        "name": "basin",
        "domain": {"name": "tidal_basin", "resolution": 800.0},
        "start": "2024-03-10T00:00",
        "duration": "1h",
        "output_every": "30min",
        "tide": {"constituents": {"M2": [1.0, 0.0]}},
    }
    run = runs.launch(basin, root=tmp_path, name="basin-a1b2c3")
    Index(tmp_path / "index.sqlite")

    class Pending:
        name, scenario, submitted, future = "other-000000", "other", 0.0, None

    rows = history.table_rows(tmp_path, lambda listed: [Pending] if listed else [])
    assert [(r["id"], r["status"], r["progress_%"]) for r in rows] == [
        (run.id, "completed", 100.0),
        ("other-000000", "submitted", 0.0),
    ]
    assert "completed:" in history.log_text(tmp_path, run.id)
    assert "tidal_basin" in history.configuration(tmp_path, run.id)
    exported = history.export_netcdf(tmp_path, run.id, tmp_path / "downloads")
    with xr.open_dataset(exported) as ds:
        assert ds["eta"].attrs["standard_name"] == "sea_surface_height_above_geoid"
    assert history.export_zarr_zip(tmp_path, run.id, tmp_path / "downloads").stat().st_size > 0
    layout = history.preview(history.open_output(tmp_path, run.id))
    assert len(layout) == 1  # the map (no stations on the basin)


def test_server_binds_loopback_unless_told_and_checks_inputs():
    assert server.is_loopback("::1") and not server.is_loopback("192.168.1.4")
    assert server.websocket_origins("localhost", 80) == ["127.0.0.1:80", "localhost:80"]
    with pytest.raises(InputError, match="port must be a whole number in 1-65535, got 0"):
        server.check_port(0)
    with pytest.raises(InputError, match="workers must be ≥ 1, got 0"):
        Launcher("/tmp", workers=0)
    assert checkpoint_every(3600, 3600) == 1 and checkpoint_every(30 * 86400, 3600) == 24


def test_skill_tab_scores_a_run_against_the_tide_gauges(tmp_path):
    from twinbench import tides
    from twinbench.domains.stations import TICON4_FILES

    times = np.arange(
        np.datetime64("2024-03-10T00:00"),
        np.datetime64("2024-03-12T00:00"),
        np.timedelta64(15, "m"),
    ).astype("datetime64[ns]")
    names = ["Royan", "Pauillac"]
    series = []
    for name in names:
        constants = tides.ticon(TICON4_FILES[name])
        series.append(tides.predict(constants, times, latitude=constants.attrs["latitude"]).values)
    model = np.stack(series)
    model[1] += 0.10  # Pauillac 10 cm high: a bias the table must show
    run = xr.Dataset(
        {"station_eta": (("station", "time"), model)},
        coords={"time": times, "station_name": ("station", names)},
    )
    found = history.skill(run, tmp_path / "report")
    table = found.table
    assert table.loc["Royan", "rmse"] < 1e-6
    assert abs(table.loc["Pauillac", "bias"] - 0.10) < 1e-6
    assert (tmp_path / "report" / "report.md").exists()

    with pytest.raises(InputError, match=r"TICON-4|no dates|observations"):
        history.skill(run.assign_coords(station_name=("station", ["nowhere", "else"])), tmp_path)
    with pytest.raises(InputError, match="no dates"):
        history.skill(run.assign_coords(time=np.arange(times.size) * 900.0), tmp_path)
