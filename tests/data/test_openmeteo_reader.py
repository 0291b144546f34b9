"""Open-Meteo forecast reader against a loopback server answering in the API's real format."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import numpy as np
import pytest

from twinbench.data import openmeteo
from twinbench.data.fetch import DataError
from twinbench.io.inputs import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "forecast"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_one_point_request_and_unit_conversions(loopback, cache):
    loopback.route("/v1/forecast", _fixture("openmeteo_one.json"))
    ds = openmeteo.forecast(45.59, -1.06, days=2, base_url=loopback.url("/v1/forecast"))
    ((path, query),) = loopback.requests
    assert path == "/v1/forecast"
    assert query == {
        "latitude": "45.5900", "longitude": "-1.0600",
        "hourly": "wind_speed_10m,wind_direction_10m,pressure_msl",
        "wind_speed_unit": "ms", "timezone": "GMT", "forecast_days": "2",
    }  # fmt: skip
    assert ds.sizes == {"time": 48}
    # 10 m/s from the west, from the north, from the east
    np.testing.assert_allclose(ds.eastward_wind.values[:3], [10.0, 0.0, -10.0], atol=1e-9)
    np.testing.assert_allclose(ds.northward_wind.values[:3], [0.0, -10.0, 0.0], atol=1e-9)
    assert ds.air_pressure_at_mean_sea_level.values[0] == pytest.approx(101320.0)
    assert ds.eastward_wind.attrs["standard_name"] == "eastward_wind"
    assert ds.eastward_wind.attrs["units"] == "m s-1"
    assert ds.air_pressure_at_mean_sea_level.attrs["units"] == "Pa"
    assert ds.attrs["attribution"] == "Weather data by Open-Meteo.com, CC BY 4.0"
    assert str(ds.time.values[0])[:16] == "2024-03-01T00:00"
    speed = np.hypot(ds.eastward_wind, ds.northward_wind)
    np.testing.assert_allclose(speed, ds.wind_speed, rtol=1e-12)


def test_km_per_hour_answers_are_converted(loopback, cache):
    answer = json.loads(_fixture("openmeteo_one.json"))
    answer["hourly_units"]["wind_speed_10m"] = "km/h"
    loopback.route("/v1/forecast", json.dumps(answer))
    ds = openmeteo.forecast(45.59, -1.06, days=2, base_url=loopback.url("/v1/forecast"))
    assert ds.eastward_wind.values[0] == pytest.approx(10.0 / 3.6)


def test_start_asks_for_dates(loopback, cache):
    loopback.route("/v1/forecast", _fixture("openmeteo_one.json"))
    openmeteo.forecast(45.59, -1.06, days=1, start="2024-03-01T06:00",
                       base_url=loopback.url("/v1/forecast"))  # fmt: skip
    query = loopback.requests[0][1]
    assert (query["start_date"], query["end_date"]) == ("2024-03-01", "2024-03-02")
    assert "forecast_days" not in query


def test_several_points_in_one_request(loopback, cache):
    loopback.route("/v1/forecast", _fixture("openmeteo_two.json"))
    ds = openmeteo.forecast([45.59, 44.84], [-1.06, -0.58], days=2,
                            base_url=loopback.url("/v1/forecast"))  # fmt: skip
    assert len(loopback.requests) == 1
    assert loopback.requests[0][1]["latitude"] == "45.5900,44.8400"
    assert loopback.requests[0][1]["longitude"] == "-1.0600,-0.5800"
    assert ds.eastward_wind.dims == ("point", "time") and ds.sizes["point"] == 2
    np.testing.assert_allclose(ds.latitude.values, [45.6, 44.84])


def test_error_answer_is_a_clear_error(loopback, cache):
    loopback.route("/v1/forecast", _fixture("openmeteo_error.json"), status=400)
    with pytest.raises(DataError, match="Latitude must be in range"):
        openmeteo.forecast(45.0, -1.0, base_url=loopback.url("/v1/forecast"))


def test_partial_answer_is_refused(loopback, cache):
    answer = json.loads(_fixture("openmeteo_one.json"))
    answer["hourly"]["pressure_msl"] = answer["hourly"]["pressure_msl"][:10]
    loopback.route("/v1/forecast", json.dumps(answer))
    with pytest.raises(DataError, match="differ in length"):
        openmeteo.forecast(45.0, -1.0, base_url=loopback.url("/v1/forecast"))


def test_bad_arguments(cache):
    with pytest.raises(InputError, match="within ±90"):
        openmeteo.forecast(120.0, 0.0)
    with pytest.raises(InputError, match="from 1 to 16"):
        openmeteo.forecast(45.0, -1.0, days=20)
    with pytest.raises(InputError, match="equal-length"):
        openmeteo.forecast([45.0, 46.0], [-1.0])


def test_cached_for_hours_then_asked_again_or_served_stale_when_down(loopback, cache):
    url = loopback.url("/v1/forecast")
    loopback.route("/v1/forecast", _fixture("openmeteo_one.json"))
    first = openmeteo.forecast(45.59, -1.06, days=2, base_url=url)
    openmeteo.forecast(45.59, -1.06, days=2, base_url=url)
    assert len(loopback.requests) == 1  # fresh: from the cache
    for path in cache.rglob("*.json"):
        old = path.stat().st_mtime - openmeteo.MAX_AGE - 60
        os.utime(path, (old, old))
    loopback.reset()
    loopback.route("/v1/forecast", "overloaded", status=503)
    with pytest.warns(UserWarning, match="cached answer"):
        stale = openmeteo.forecast(45.59, -1.06, days=2, base_url=url)
    assert len(loopback.requests) == 4
    np.testing.assert_array_equal(first.eastward_wind, stale.eastward_wind)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/v1/forecast"
    with pytest.raises(DataError, match="could not reach Open-Meteo"):
        openmeteo.forecast(45.59, -1.06, days=3, base_url=dead)


@pytest.mark.network
def test_real_open_meteo_at_the_mouth():
    ds = openmeteo.forecast(45.59, -1.06, days=3)
    assert ds.sizes["time"] == 72
    assert 90000 < float(ds.air_pressure_at_mean_sea_level.mean()) < 105000
