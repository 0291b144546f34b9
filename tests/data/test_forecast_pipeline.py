"""`twinbench forecast` end to end on the shipped offline samples (a 3-hour, 2-member run)."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from twinbench import alerts
from twinbench.cli import main
from twinbench.data.fetch import DataError
from twinbench.forecast import run_forecast

START = pd.Timestamp("2025-08-15T00:00")  # the samples' forecast start
HOURS = 3
RULES = [
    {"name": "bordeaux-quays-overflow", "variable": "station_eta", "station": "Bordeaux",
     "threshold": 3.5, "direction": "above", "duration": 30, "level": "warning"},
    {"name": "bordeaux-lowered", "variable": "station_eta", "station": "Bordeaux",
     "threshold": -1.0, "direction": "above", "level": "info"},
    {"name": "pauillac-intake-salinity", "variable": "station_salinity", "station": "Pauillac",
     "threshold": 1.0, "direction": "above", "duration": 60, "level": "warning"},
]  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The CLI run once: offline, 3 h from the samples' start, 2 members, custom rules."""
    folder = tmp_path_factory.mktemp("forecast")
    rules = folder / "rules.yaml"
    rules.write_text(yaml.safe_dump({"rules": RULES}))
    args = ["--offline", "--days", str(HOURS / 24), "--spinup", "0h", "--members", "2"]
    code = main(["forecast", *args, "--rules", str(rules), "-o", str(folder / "out"), "-q"])
    assert code == 0
    return folder / "out"


def test_writes_the_cf_dataset_the_tables_and_the_figure(written):
    names = {p.name for p in written.iterdir()}
    assert {"forecast.nc", "alerts.csv", "alerts.md", "indicators.csv", "summary.csv",
            "forecast.png"} <= names  # fmt: skip
    assert (written / "forecast.png").stat().st_size > 10_000
    with xr.open_dataset(written / "forecast.nc") as ds:
        assert ds.attrs["Conventions"] == "CF-1.10"
        assert "Open-Meteo.com, CC BY 4.0" in ds.attrs["attribution"]
        assert "Licence Ouverte 2.0" in ds.attrs["attribution"]
        assert "synthetic" in ds.attrs["data_mode"]
        assert ds.sizes["member"] == 2
        assert ds.garonne_factor.values[0] == 1.0 and ds.garonne_factor.values[1] != 1.0
        times = pd.to_datetime(ds.time.values)
        assert times[0] == START and times[-1] == START + pd.Timedelta(hours=HOURS)
        assert ds.station_eta.attrs["standard_name"] == "sea_surface_height_above_geoid"
        assert ds.station_salinity.dims == ("member", "station", "time")
        assert ds.river_discharge.attrs["units"] == "m3 s-1"
        assert set(ds.river.values) == {"garonne", "dordogne"}
        assert np.isfinite(ds.station_tide_prediction.isel(station=6)).all()  # Bordeaux: TICON
        # The samples' last Tonneins daily mean, carried forward by the recession.
        assert 120.0 < float(ds.river_discharge.sel(river="garonne")[0]) < 145.0


def test_alert_table_columns_and_times_inside_the_window(written):
    table = pd.read_csv(written / "alerts.csv", parse_dates=["start", "end", "peak_time"])
    assert list(table.columns) == alerts.COLUMNS
    assert set(table["rule"]) <= {r["name"] for r in RULES}
    end = START + pd.Timedelta(hours=HOURS)
    assert ((table["start"] >= START) & (table["end"] <= end)).all()
    assert table["probability"].between(0, 1).all()
    # The high-water rule lowered to -1 m fires; the real overflow level is not reached.
    assert "bordeaux-lowered" in set(table["rule"])
    assert "bordeaux-quays-overflow" not in set(table["rule"])
    # Late-summer low flow: the salt reaches the Pauillac intake in both members.
    salt = table[table["rule"] == "pauillac-intake-salinity"]
    assert len(salt) == 1 and salt["probability"].item() == 1.0
    markdown = (written / "alerts.md").read_text()
    assert "## Alerts" in markdown and "bordeaux-lowered" in markdown


def test_lowering_a_threshold_on_the_stored_forecast_makes_it_cross(written):
    with xr.open_dataset(written / "forecast.nc") as ds:
        peak = float(ds.station_eta.isel(station=6).max())
        rule = dict(RULES[0], threshold=peak + 0.1, duration=0)
        assert alerts.evaluate([rule], ds).empty
        crossed = alerts.evaluate([dict(rule, threshold=peak - 0.1)], ds)
    assert len(crossed) >= 1 and crossed["peak"].max() == pytest.approx(peak, abs=1e-6)


def test_river_indicators(written):
    table = pd.read_csv(written / "indicators.csv")
    assert list(table["river"]) == ["garonne", "dordogne", "total"]
    assert table["record_percentile"].between(0, 100).all()
    assert (table["record_years"] == 30).all()
    assert (table["min_90d"] <= table["mean_90d"]).all()
    assert (table["trend_per_day"] < 0).all()  # a summer recession
    garonne = table.iloc[0]
    assert garonne["station"] == "Garonne at Tonneins" and garonne["latest_date"] == "2025-08-14"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--offline", "--start", "2020-01-01"], "offline Hub'Eau sample"),
        (["--offline", "--days", "0"], "days must be > 0"),
        (["--offline", "--members", "0"], "members must be"),
        (["--offline", "--spinup", "soon"], "spinup"),
    ],
)
def test_cli_errors_exit_2_with_the_message(args, message, capsys):
    assert main(["forecast", *args, "-o", "unused"]) == 2
    assert message in capsys.readouterr().err


def test_services_down_is_a_clear_error(cache):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(DataError, match=r"no recent discharge for the garonne.*could not reach"):
        run_forecast("2025-08-15", 1, hubeau_url=dead, openmeteo_url=dead)


@pytest.mark.network
def test_real_services_forecast(tmp_path):
    forecast = run_forecast(days=0.25, spinup="0h", salinity=False)
    assert forecast.run.sizes["time"] == 13
    assert len(forecast.indicators) == 3
