"""Hub'Eau discharge reader against a loopback server answering in the API's real format."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twinbench.data import hubeau
from twinbench.data.fetch import DataError
from twinbench.io.inputs import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "forecast"


def _answer(name: str, server: str) -> str:
    """A fixture with its links pointing at the test server."""
    return (FIXTURES / name).read_text().replace("http://SERVER", server)


def test_follows_every_page_with_206_partial_answers(loopback, cache):
    server = loopback.url("").rstrip("/")
    loopback.route("/obs_elab", _answer("hubeau_page1.json", server), status=206)
    loopback.route("/obs_elab", _answer("hubeau_page2.json", server), status=206)
    loopback.route("/obs_elab", _answer("hubeau_page3.json", server), status=200)
    q = hubeau.daily_discharge(
        "O900001002", "2024-03-01", "2024-03-10", base_url=loopback.url("/obs_elab")
    )
    paths = [path for path, _ in loopback.requests]
    assert paths == ["/obs_elab"] * 3
    first = loopback.requests[0][1]
    assert first["code_entite"] == "O900001002"
    assert first["grandeur_hydro_elab"] == "QmnJ"
    assert first["date_debut_obs_elab"] == "2024-03-01"
    assert first["date_fin_obs_elab"] == "2024-03-10"
    assert int(first["size"]) > 0 and "resultat_obs_elab" in first["fields"]
    assert [query.get("cursor") for _, query in loopback.requests[1:]] == ["page2", "page3"]
    # l/s → m³/s, one value per day, all ten days from the three pages
    litres = [r["resultat_obs_elab"] for k in (1, 2, 3)
              for r in json.loads(_answer(f"hubeau_page{k}.json", server))["data"]]  # fmt: skip
    np.testing.assert_allclose(q.values, np.array(litres) / 1000.0)
    assert q.sizes["time"] == 10 and q.attrs["missing_values"] == 0 and q.attrs["gaps"] == ""
    assert q.attrs["standard_name"] == "water_volume_transport_in_river_channel"
    assert q.attrs["units"] == "m3 s-1"
    assert q.attrs["station_code"] == "O900001002"
    assert q.attrs["station_name"] == "Garonne at Tonneins"
    assert "Licence Ouverte 2.0" in q.attrs["attribution"]
    assert str(q["time"].values[0])[:10] == "2024-03-01"


def test_a_missing_page_is_an_error_not_a_short_series(loopback, cache):
    server = loopback.url("").rstrip("/")
    loopback.route("/obs_elab", _answer("hubeau_page1.json", server), status=206)
    loopback.route("/obs_elab", _answer("hubeau_page3.json", server), status=200)
    with pytest.raises(DataError, match="announced 10 records but 6"):
        hubeau.daily_discharge("O900001002", "2024-03-01", "2024-03-10",
                               base_url=loopback.url("/obs_elab"))  # fmt: skip


def test_gaps_are_kept_as_nan_and_listed(loopback, cache):
    loopback.route("/obs_elab", _answer("hubeau_gap.json", loopback.url("")))
    q = hubeau.daily_discharge(
        "O900001002", "2024-03-01", "2024-03-12", base_url=loopback.url("/obs_elab")
    )
    assert q.sizes["time"] == 12
    assert np.isnan(q.sel(time="2024-03-04").item()) and np.isnan(q.sel(time="2024-03-05").item())
    assert q.attrs["gaps"] == "2024-03-04..2024-03-05; 2024-03-11..2024-03-12"
    assert q.attrs["missing_values"] == 4
    assert q.attrs["last_observation"] == "2024-03-10"


def test_empty_answer_names_the_station(loopback, cache):
    loopback.route("/obs_elab", _answer("hubeau_empty.json", loopback.url("")))
    with pytest.raises(DataError, match=r"no QmnJ for station 'X123456789'.*unknown"):
        hubeau.daily_discharge("X123456789", "2024-03-01", "2024-03-10",
                               base_url=loopback.url("/obs_elab"))  # fmt: skip


def test_malformed_code_and_dates_are_input_errors(cache):
    with pytest.raises(InputError, match="letter and 9 digits"):
        hubeau.daily_discharge("Tonneins", "2024-03-01", "2024-03-10")
    with pytest.raises(InputError, match="before start"):
        hubeau.daily_discharge("O900001002", "2024-03-10", "2024-03-01")
    with pytest.raises(InputError, match="positive whole number"):
        hubeau.recent_discharge("O900001002", days=0)


def _recent_page(server: str, days: int) -> str:
    """The gap fixture moved to end yesterday (a period the cache keeps only a few hours)."""
    page = json.loads(_answer("hubeau_gap.json", server))
    last = pd.Timestamp.now("UTC").tz_localize(None).normalize() - pd.Timedelta(days=1)
    for k, record in enumerate(page["data"]):
        record["date_obs_elab"] = f"{last - pd.Timedelta(days=len(page['data']) - 1 - k):%Y-%m-%d}"
    return json.dumps(page)


def test_service_down_errors_without_cache_and_serves_the_cache_with_a_warning(loopback, cache):
    url = loopback.url("/obs_elab")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/obs_elab"
    with pytest.raises(DataError, match="could not reach Hub'Eau"):
        hubeau.recent_discharge("O900001002", days=10, base_url=dead)
    loopback.route("/obs_elab", _recent_page(loopback.url(""), 8))
    first = hubeau.recent_discharge("O900001002", days=9, base_url=url)
    assert np.isfinite(first.values[:-1]).all() and np.isnan(first.values[-1])  # today: none yet
    for path in cache.rglob("*.json"):  # the cached answer is now 7 h old: stale
        old = path.stat().st_mtime - 7 * 3600
        os.utime(path, (old, old))
    loopback.reset()
    loopback.route("/obs_elab", "down for maintenance", status=503)
    with pytest.warns(UserWarning, match="cached answer from 7.0 h ago"):
        again = hubeau.recent_discharge("O900001002", days=9, base_url=url)
    assert len(loopback.requests) == 4  # asked again (1 + 3 retries) before using the cache
    np.testing.assert_array_equal(first.values, again.values)


def test_a_settled_period_is_served_from_the_cache_without_asking(loopback, cache):
    url = loopback.url("/obs_elab")
    loopback.route("/obs_elab", _answer("hubeau_gap.json", loopback.url("")))
    first = hubeau.daily_discharge("O900001002", "2024-03-01", "2024-03-10", base_url=url)
    loopback.reset()
    loopback.route("/obs_elab", "down", status=503)
    again = hubeau.daily_discharge("O900001002", "2024-03-01", "2024-03-10", base_url=url)
    assert loopback.requests == []
    np.testing.assert_array_equal(first.values, again.values)


def test_monthly_record_uses_month_starts(loopback, cache):
    page = json.loads(_answer("hubeau_page1.json", loopback.url("")))
    for k, record in enumerate(page["data"]):
        record["grandeur_hydro_elab"] = "QmM"
        record["date_obs_elab"] = f"2020-0{k + 1}-01"
    page.update(count=4, next=None)
    loopback.route("/obs_elab", json.dumps(page))
    q = hubeau.monthly_discharge("O900001002", "2020-01-01", "2020-04-30",
                                 base_url=loopback.url("/obs_elab"))  # fmt: skip
    assert loopback.requests[0][1]["grandeur_hydro_elab"] == "QmM"
    assert [str(t)[:10] for t in q["time"].values] == [f"2020-0{k}-01" for k in (1, 2, 3, 4)]
    assert q.attrs["long_name"] == "monthly mean river discharge"


@pytest.mark.network
def test_real_hubeau_tonneins():
    q = hubeau.recent_discharge("O900001002", days=30)
    assert q.sizes["time"] == 30 and np.nanmax(q.values) > 10.0
    assert q.attrs["last_observation"]
