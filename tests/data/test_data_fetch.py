"""The download layer against a real loopback HTTP server: retries, rate limits, caches, hashes."""

from __future__ import annotations

import hashlib
import json
import socket

import pytest

from twinbench.data.fetch import CredentialsError, DataError, fetch_file, get_json


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_json_is_cached_and_served_offline(loopback, cache):
    loopback.route("/obs", json.dumps({"data": [1, 2, 3]}))
    url = loopback.url("/obs")
    assert get_json(url, service="Test", params={"code": "X"}) == {"data": [1, 2, 3]}
    assert get_json(url, service="Test", params={"code": "X"}) == {"data": [1, 2, 3]}
    assert len(loopback.requests) == 1  # the second answer came from the cache
    assert loopback.requests[0] == ("/obs", {"code": "X"})
    get_json(url, service="Test", params={"code": "Y"})  # other parameters: a new request
    assert len(loopback.requests) == 2


def test_retries_server_errors_then_succeeds(loopback, cache):
    loopback.route("/flaky", "busy", status=503)
    loopback.route("/flaky", "oops", status=500)
    loopback.route("/flaky", json.dumps([42]))
    assert get_json(loopback.url("/flaky"), service="Test") == [42]
    assert len(loopback.requests) == 3


def test_rate_limit_honours_retry_after(loopback, cache):
    loopback.route("/limited", "slow down", status=429, headers={"Retry-After": "1"})
    loopback.route("/limited", json.dumps({"ok": True}))
    assert get_json(loopback.url("/limited"), service="Test") == {"ok": True}
    assert len(loopback.requests) == 2


def test_persistent_rate_limit_is_a_clear_error(loopback, cache):
    loopback.route("/limited", "slow down", status=429, headers={"Retry-After": "0"})
    with pytest.raises(DataError, match="rate-limiting"):
        get_json(loopback.url("/limited"), service="Test", retries=2)
    assert len(loopback.requests) == 3


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials(loopback, cache, status):
    loopback.route("/secret", "no", status=status)
    with pytest.raises(CredentialsError, match="credentials"):
        get_json(loopback.url("/secret"), service="Test")


def test_not_found_names_the_service(loopback, cache):
    with pytest.raises(DataError, match=r"Test .*not found \(HTTP 404\)"):
        get_json(loopback.url("/missing"), service="Test")


def test_unreachable_service_is_a_clear_error(cache):
    url = f"http://127.0.0.1:{_dead_port()}/obs"
    with pytest.raises(DataError, match="could not reach Test"):
        get_json(url, service="Test", retries=1)


def test_unreachable_service_falls_back_to_cache_with_a_warning(loopback, cache):
    loopback.route("/obs", json.dumps({"v": 1}))
    url = loopback.url("/obs")
    get_json(url, service="Test", max_age=0.0)
    loopback.reset()
    loopback.route("/obs", "down", status=503)
    with pytest.warns(UserWarning, match="cached answer"):
        assert get_json(url, service="Test", max_age=0.0, retries=1) == {"v": 1}
    with pytest.raises(DataError, match="HTTP 503"):
        get_json(url, service="Test", max_age=0.0, retries=1, offline_fallback=False)


def test_truncated_json_is_not_cached(loopback, cache):
    loopback.route("/obs", '{"data": [1, 2, ')
    loopback.route("/obs", '{"data": [1, 2]}')
    with pytest.raises(DataError, match="not answer valid JSON"):
        get_json(loopback.url("/obs"), service="Test")
    assert get_json(loopback.url("/obs"), service="Test") == {"data": [1, 2]}


def test_corrupted_json_cache_is_fetched_again(loopback, cache):
    loopback.route("/obs", json.dumps({"v": 1}))
    get_json(loopback.url("/obs"), service="Test")
    (entry,) = cache.rglob("*.json")
    entry.write_text('{"v": 999}')  # bit rot or a hand edit
    assert get_json(loopback.url("/obs"), service="Test") == {"v": 1}
    assert len(loopback.requests) == 2


def test_fixed_file_hash_detects_corruption_and_refetches(loopback, cache):
    body = b"\x89HDF fake but fixed content" * 100
    sha = "sha256:" + hashlib.sha256(body).hexdigest()
    loopback.route("/grid.nc", body)
    path = fetch_file(loopback.url("/grid.nc"), service="Test", known_hash=sha)
    assert path.read_bytes() == body
    path.write_bytes(body[:100])  # a truncated cached copy
    assert fetch_file(loopback.url("/grid.nc"), service="Test", known_hash=sha).read_bytes() == body
    assert len(loopback.requests) == 2
    fetch_file(loopback.url("/grid.nc"), service="Test", known_hash=sha)
    assert len(loopback.requests) == 2  # an intact copy is not downloaded again


def test_download_with_the_wrong_hash_raises(loopback, cache):
    loopback.route("/grid.nc", b"changed upstream")
    with pytest.raises(DataError, match="hash does not match"):
        fetch_file(loopback.url("/grid.nc"), service="Test", known_hash="sha256:" + "0" * 64)
    assert not list(cache.rglob("*grid.nc"))  # nothing half-written left behind


def test_query_result_is_rehashed_on_use(loopback, cache):
    loopback.route("/wcs", b"first answer")
    params = {"bbox": "1,2,3,4"}
    path = fetch_file(loopback.url("/wcs"), service="Test", params=params)
    assert path.read_bytes() == b"first answer"
    assert loopback.requests[0] == ("/wcs", params)
    path.write_bytes(b"first ans")  # corrupted on disk
    assert fetch_file(loopback.url("/wcs"), service="Test", params=params).read_bytes() == (
        b"first answer"
    )
    assert len(loopback.requests) == 2


def test_interrupted_download_leaves_no_file(loopback, cache):
    loopback.route("/big.nc", b"x" * 1000, status=-1)  # the connection dies mid-body
    with pytest.raises(DataError, match="could not download"):
        fetch_file(loopback.url("/big.nc"), service="Test", retries=1)
    assert not [p for p in cache.rglob("*") if p.is_file()]


def test_download_retries_server_errors(loopback, cache):
    loopback.route("/f.nc", "busy", status=503, headers={"Retry-After": "0"})
    loopback.route("/f.nc", b"payload")
    assert fetch_file(loopback.url("/f.nc"), service="Test").read_bytes() == b"payload"


def test_download_refused_credentials(loopback, cache):
    loopback.route("/f.nc", "who are you", status=401)
    with pytest.raises(CredentialsError):
        fetch_file(loopback.url("/f.nc"), service="Test")
