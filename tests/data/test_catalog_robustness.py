"""Robustness through the real readers: rate limits, network failures, partial downloads,
corrupted caches and wrong credentials each end in a retry or a clear error, never a silent
partial dataset."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from twinbench.data import emodnet, era5, refmar
from twinbench.data.fetch import CredentialsError, DataError

FIXTURES = Path(__file__).parent / "fixtures"
BOX = (-1.5, 45.125, -1.0, 45.5)


def _dead_url(path: str) -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def test_rate_limit_is_retried_after_the_pause_it_asks(loopback, cache):
    answer = (FIXTURES / "refmar_observation.json").read_text()
    loopback.route("/obs/3", "slow down", status=429, headers={"Retry-After": "1"})
    loopback.route("/obs/3", answer)
    ds = refmar.sea_level(3, "2024-01-01", "2024-01-01T05:00", url=loopback.url("/obs/{station}"))
    assert ds.sizes["time"] == 6 and len(loopback.requests) == 2


def test_persistent_rate_limit_is_a_clear_error(loopback, cache):
    loopback.route("/wcs", "slow down", status=429, headers={"Retry-After": "0"})
    with pytest.raises(DataError, match="after 3 retries"):
        emodnet.bathymetry(BOX, resolution=0.0625, url=loopback.url("/wcs"))
    assert len(loopback.requests) == 4
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_network_failure_is_a_clear_error(cache):
    with pytest.raises(DataError, match="could not reach SHOM REFMAR"):
        refmar.sea_level(3, "2024-01-01", "2024-01-02", url=_dead_url("/obs/{station}"))
    with pytest.raises(DataError, match="could not download from EMODnet"):
        emodnet.bathymetry(BOX, resolution=0.0625, url=_dead_url("/wcs"))


def test_offline_after_a_first_fetch_uses_the_cache(loopback, cache):
    loopback.route("/wcs", (FIXTURES / "emodnet_wcs.tif").read_bytes())
    first = emodnet.bathymetry(BOX, resolution=0.0625, url=loopback.url("/wcs"))
    url = loopback.url("/wcs")
    loopback._server.shutdown()  # the service goes away: the cached answer is used
    assert emodnet.bathymetry(BOX, resolution=0.0625, url=url).equals(first)


def test_partial_download_leaves_nothing_and_the_next_try_works(loopback, cache):
    tif = (FIXTURES / "emodnet_wcs.tif").read_bytes()
    loopback.route("/wcs", tif[:300], status=-1)  # the connection dies half-way, every time
    with pytest.raises(DataError, match="could not download"):
        emodnet.bathymetry(BOX, resolution=0.0625, url=loopback.url("/wcs"))
    assert not [p for p in cache.rglob("*") if p.is_file()]
    loopback.reset()
    loopback.route("/wcs", tif)
    assert emodnet.bathymetry(BOX, resolution=0.0625, url=loopback.url("/wcs")).shape == (6, 8)


def test_corrupted_cached_geotiff_is_detected_by_its_hash_and_fetched_again(loopback, cache):
    loopback.route("/wcs", (FIXTURES / "emodnet_wcs.tif").read_bytes())
    good = emodnet.bathymetry(BOX, resolution=0.0625, url=loopback.url("/wcs"))
    (cached,) = cache.rglob("*.tif")
    cached.write_bytes(cached.read_bytes()[:200])  # truncated on disk
    again = emodnet.bathymetry(BOX, resolution=0.0625, url=loopback.url("/wcs"))
    assert again.equals(good) and len(loopback.requests) == 2


def test_corrupted_cached_json_is_fetched_again(loopback, cache):
    loopback.route("/obs/3", (FIXTURES / "refmar_observation.json").read_text())
    url = loopback.url("/obs/{station}")
    refmar.sea_level(3, "2024-01-01", "2024-01-01T05:00", url=url)
    (entry,) = cache.rglob("*.json")
    entry.write_text(json.dumps({"data": [{"value": 99.0, "timestamp": "2024/01/01 00:00:00"}]}))
    ds = refmar.sea_level(3, "2024-01-01", "2024-01-01T05:00", url=url)
    assert float(ds.sea_level.max()) < 6 and len(loopback.requests) == 2


def test_truncated_json_answer_is_an_error_not_a_short_series(loopback, cache):
    body = (FIXTURES / "refmar_observation.json").read_text()
    loopback.route("/obs/3", body[: len(body) // 2])
    with pytest.raises(DataError, match="not answer valid JSON"):
        refmar.sea_level(3, "2024-01-01", "2024-01-01T05:00", url=loopback.url("/obs/{station}"))
    assert not list(cache.rglob("*.json"))


@pytest.mark.filterwarnings("ignore::UserWarning")  # ecmwf-datastores warns before raising
def test_wrong_cds_key_is_a_credentials_error(loopback, cache, monkeypatch):
    refusal = json.dumps({"title": "Authentication failed", "status": 401})
    for path in ("/api/catalogue/v1/messages", "/api/retrieve/v1/processes/" + era5.DATASET):
        loopback.route(path, refusal, status=401, headers={"Content-Type": "application/json"})
    monkeypatch.setenv("CDSAPI_URL", loopback.url("/api"))
    monkeypatch.setenv("CDSAPI_KEY", "not-my-key")
    with pytest.raises(CredentialsError, match="refused the API key"):
        era5.single_levels((-2, 44, 0, 46), "2020-01-01", "2020-01-01T03:00")
    assert any(p.endswith(era5.DATASET) for p, _ in loopback.requests)
    assert not [p for p in cache.rglob("*") if p.is_file()]  # nothing half-made is kept
