"""Stations onto the nearest wet cell, with the error/warning policy for land and outside."""

import numpy as np
import pandas as pd
import pyproj
import pytest
import xarray as xr

from twinbench.analysis import match_stations, station_table
from twinbench.domains import gironde
from twinbench.io.inputs import InputError

ROYAN = (-1.027811, 45.620576)  # TICON-4
LANDES = (-0.85, 44.62)  # inland, tens of km from the sea and the estuary
PARIS = (2.35, 48.85)


@pytest.fixture(scope="module")
def domain():
    return gironde("coarse")


def test_nearest_wet_cell_and_distance(domain):
    table = match_stations(domain, {"Royan": ROYAN})
    row = table.loc["Royan"]
    depth = domain["depth"].values
    assert table["i"].dtype.kind == "i" and table["j"].dtype.kind == "i"
    j, i = int(row["j"]), int(row["i"])
    assert depth[j, i] > 0 and row["depth_m"] == depth[j, i]
    x, y = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(*ROYAN)
    assert row["x"] == pytest.approx(x) and row["y"] == pytest.approx(y)
    jj, ii = np.nonzero(depth > 0)
    distances = np.hypot(domain["x"].values[ii] - x, domain["y"].values[jj] - y)
    assert row["distance_m"] == pytest.approx(distances.min())


def test_every_input_form_gives_the_same_table(domain, tmp_path):
    frame = pd.DataFrame({"Name": ["Royan"], "Longitude": [ROYAN[0]], "Latitude": [ROYAN[1]]})
    csv = tmp_path / "stations.csv"
    frame.to_csv(csv, index=False)
    gauges = xr.Dataset(
        {"lon": ("station", [ROYAN[0]], {"standard_name": "longitude"}),
         "lat": ("station", [ROYAN[1]], {"standard_name": "latitude"}),
         "station_name": ("station", ["Royan"], {"cf_role": "timeseries_id"})}
    )  # fmt: skip
    expected = match_stations(domain, {"Royan": ROYAN})
    for form in (frame, csv, gauges, frame.set_index("Name")):
        pd.testing.assert_frame_equal(match_stations(domain, form), expected)


def test_land_and_outside_stations_policy(domain):
    stations = {"Royan": ROYAN, "Landes": LANDES, "Paris": PARIS}
    with pytest.raises(InputError, match=r"'Landes'.*on land.*'Paris'.*outside"):
        match_stations(domain, stations)
    with pytest.warns(UserWarning, match="Landes"):
        table = match_stations(domain, stations, errors="warn")
    assert list(table.index) == ["Royan"]
    assert list(match_stations(domain, stations, errors="ignore").index) == ["Royan"]
    # a larger max_distance reaches water from the Landes
    far = match_stations(domain, {"Landes": LANDES}, max_distance=60_000.0)
    assert far.loc["Landes", "distance_m"] > 5_000.0


def test_bad_inputs_are_named(domain):
    with pytest.raises(InputError, match="errors must be"):
        match_stations(domain, {"Royan": ROYAN}, errors="skip")
    with pytest.raises(InputError, match="missing \\['lat'\\]"):
        station_table(pd.DataFrame({"name": ["a"], "lon": [1.0]}))
    with pytest.raises(InputError, match="not numbers"):
        station_table(pd.DataFrame({"name": ["a"], "lon": ["east"], "lat": [45.0]}))
    with pytest.raises(InputError, match="given twice"):
        station_table(pd.DataFrame({"name": ["a", "a"], "lon": [1, 2], "lat": [3, 4]}))
    with pytest.raises(InputError, match="does not exist"):
        station_table("no-such-file.csv")
    no_crs = domain.drop_vars("crs")
    with pytest.raises(InputError, match="crs"):
        match_stations(no_crs, {"Royan": ROYAN})
    assert match_stations(no_crs, {"Royan": ROYAN}, crs="EPSG:2154").index[0] == "Royan"
