"""The model-against-observations report on a real (short) Gironde run, from Python and CLI."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench import scenarios, tides
from twinbench.analysis import Report, report, series_skill
from twinbench.cli import main
from twinbench.io.inputs import InputError

SPIN_UP = "2h"
EXTRA = ("Mid-estuary", -0.90, 45.40)  # a point of the estuary that is no station of the run


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    """The shipped Gironde scenario for 15 h (coarse grid), written as NetCDF."""
    path = tmp_path_factory.mktemp("report") / "gironde.nc"
    scenarios.write(scenarios.run("gironde", duration="15h"), path)
    return path


@pytest.fixture(scope="module")
def run(run_file):
    return xr.load_dataset(run_file)


def test_ticon_report_of_the_run(run, tmp_path):
    result = report(run, spin_up=SPIN_UP, out=tmp_path)
    assert isinstance(result, Report)
    assert list(result.table.index) == ["Port-Bloc", "Royan", "Pauillac", "Bordeaux"]
    # the table is series_skill of the station series against the TICON-4 prediction
    names = run["station_name"].values.tolist()
    model = run["station_eta"].isel(station=names.index("Royan"))
    model = model.sel(time=slice(run.time.values[0] + np.timedelta64(2, "h"), None))
    constants = tides.ticon("royan-308-fra-refmar")
    observed = tides.predict(constants, run.time.values, latitude=constants.attrs["latitude"])
    expected = series_skill(model, observed)
    for metric in ("n", "bias", "rmse", "correlation", "willmott_d"):
        assert result.table.loc["Royan", metric] == pytest.approx(expected[metric])
    assert result.table.loc["Royan", "correlation"] > 0.9  # the calibrated model's tide
    assert "M2" in result.harmonics.loc["Royan"].index  # 13 h resolve M2
    written = {p.name for p in result.files}
    assert {"report.md", "skill.csv", "harmonics.csv", "scatter.png", "harmonics.png",
            "series_royan.png"} <= written  # fmt: skip
    assert all(p.stat().st_size > 0 for p in result.files)
    csv = pd.read_csv(tmp_path / "skill.csv", index_col="station")
    assert csv.loc["Bordeaux", "rmse"] == pytest.approx(result.table.loc["Bordeaux", "rmse"])
    assert "| Pauillac |" in result._repr_markdown_() and "Bordeaux" in result._repr_html_()


def _gauges(run, datum_offset=0.0, standard_name="sea_surface_height_above_mean_sea_level"):
    names = run["station_name"].values.tolist()
    royan = run["station_eta"].isel(station=names.index("Royan")).values + datum_offset
    return xr.Dataset(
        {"level": (("station", "time"), royan[None].astype(float), {
            "standard_name": standard_name, "units": "m"}),
         "lon": ("station", [float(run.station_lon[names.index("Royan")])],
                 {"standard_name": "longitude"}),
         "lat": ("station", [float(run.station_lat[names.index("Royan")])],
                 {"standard_name": "latitude"}),
         "name": ("station", ["Royan"], {"cf_role": "timeseries_id"})},
        coords={"time": run.time.values},
    )  # fmt: skip


def test_gauge_files_netcdf_and_csv(run, run_file, tmp_path):
    nc = tmp_path / "gauges.nc"
    _gauges(run).to_netcdf(nc)
    result = report(run_file, [nc], spin_up=SPIN_UP)
    perfect = result.table.loc["Royan"]  # the model's own series: a perfect score
    assert perfect["rmse"] == pytest.approx(0.0, abs=1e-6) and perfect["willmott_d"] == 1.0
    # a chart-datum record: its mean is removed, the skill is that of the anomaly
    datum = tmp_path / "datum.nc"
    _gauges(run, 3.33, "sea_surface_height_above_reference_datum").to_netcdf(datum)
    shifted = report(run, [datum], spin_up=SPIN_UP).table.loc["Royan"]
    assert shifted["crmse"] == pytest.approx(0.0, abs=1e-6) and abs(shifted["bias"]) < 1.0
    # long CSV with a station off the run's stations: found on the grid by its position
    eta = run["eta"]
    cell = _cell(run, EXTRA)
    level = eta.isel(y=cell[0], x=cell[1]).values
    rows = pd.DataFrame(
        {"time": run.time.values, "station": EXTRA[0], "lon": EXTRA[1], "lat": EXTRA[2],
         "level": level}
    )  # fmt: skip
    csv = tmp_path / "extra.csv"
    rows.to_csv(csv, index=False)
    extra = report(run, [csv], spin_up=SPIN_UP)
    assert extra.table.loc[EXTRA[0], "rmse"] == pytest.approx(0.0, abs=1e-6)


def _cell(run, point):
    from twinbench.analysis import match_stations

    row = match_stations(run, {point[0]: point[1:]}).iloc[0]  # CRS from the run's scenario
    return int(row["j"]), int(row["i"])


def test_observations_out_of_the_run_period_are_named(run):
    late = _gauges(run).assign_coords(time=run.time.values + np.timedelta64(30, "D"))
    with pytest.raises(InputError, match=r"Royan.*do not overlap"):
        report(run, [late], spin_up=SPIN_UP)
    with pytest.raises(InputError, match="spin-up"):
        report(run, spin_up="20h")
    with pytest.raises(InputError, match="does not exist"):
        report(run, ["missing.nc"], spin_up=SPIN_UP)
    with pytest.raises(InputError, match="standard_name"):
        report(run, [_gauges(run, standard_name="sea_surface_height_above_geoid")], spin_up=SPIN_UP)


def test_cli(run_file, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["report", str(run_file), "--spin-up", SPIN_UP, "-o", str(out)]) == 0
    assert (out / "report.md").exists() and (out / "scatter.png").exists()
    assert "Port-Bloc" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "none.nc"), "-o", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", str(run_file), "--spin-up", "2D", "-o", str(out)]) == 2
