"""One way to reach remote data services: retries, rate limits, caches and hash checks.

Every reader of :mod:`twinbench.data` goes through these three functions, so every service
fails the same way — with a :class:`DataError` that names the service, the address and what to
do — and never hands back a silent, partial dataset:

* :func:`get` — an HTTP request with retries on connection failures and on the statuses that
  mean "try again" (429 rate limit, honouring ``Retry-After``; 500, 502, 503, 504).
* :func:`get_json` — a JSON API answer, cached on disk with its SHA-256 so that the same
  request works offline afterwards and a corrupted cache entry is detected and fetched again.
* :func:`fetch_file` — a file download through pooch: written to a temporary name and moved
  into place only when complete, checked against a known hash when the file is fixed, or
  against the hash recorded at download time when it is a query result.

The cache lives in ``$TWINBENCH_CACHE`` (default: pooch's per-user cache, e.g.
``~/.cache/twinbench``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pooch
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

__all__ = [
    "CredentialsError",
    "DataError",
    "cache_dir",
    "cached_product",
    "fetch_file",
    "get",
    "get_json",
]

RETRY_STATUSES = (429, 500, 502, 503, 504)
TIMEOUT = (10.0, 120.0)  # seconds to connect, seconds between bytes
USER_AGENT = "twinbench (https://github.com/twinbench/twinbench)"


class DataError(RuntimeError):
    """A data service could not deliver: unreachable, refused, rate-limited, corrupted or empty."""


class CredentialsError(DataError):
    """A service needs credentials that are missing or were refused."""


def cache_dir(service: str | None = None) -> Path:
    """The download cache: ``$TWINBENCH_CACHE`` or pooch's user cache; one folder per service."""
    root = os.environ.get("TWINBENCH_CACHE")
    base = Path(root).expanduser() if root else Path(pooch.os_cache("twinbench"))
    return base / service if service else base


def _session(retries: int) -> requests.Session:
    """A session that retries connection failures and 429/5xx answers with exponential back-off."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=0.5,
        backoff_max=30.0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = USER_AGENT
    return session


def _explain(service: str, url: str, response: requests.Response) -> DataError:
    """The error for an HTTP answer that is not a success, in words a user can act on."""
    status = response.status_code
    body = response.text[:300].strip().replace("\n", " ")
    where = f"{service} ({url})"
    if status in (401, 403):
        return CredentialsError(
            f"{where} refused the request (HTTP {status}): the credentials are missing, wrong "
            f"or lack access to this product. Server said: {body or response.reason}"
        )
    if status == 404:
        return DataError(f"{where}: not found (HTTP 404). Check the product or station name.")
    if status == 429:
        return DataError(
            f"{where} is rate-limiting this client (HTTP 429) and still was after the retries; "
            "wait a while before asking again."
        )
    if status >= 500:
        return DataError(
            f"{where} failed on its side (HTTP {status}) after the retries; try again later."
        )
    return DataError(f"{where} rejected the request (HTTP {status}): {body or response.reason}")


def get(
    url: str,
    *,
    service: str,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    retries: int = 3,
    timeout: float | tuple[float, float] = TIMEOUT,
    method: str = "GET",
    data: Any = None,
) -> requests.Response:
    """Send one HTTP request with retries; return the successful response or raise.

    Parameters
    ----------
    url : str
        The address.
    service : str
        The service's name, used in errors (e.g. ``"Hub'Eau hydrometry"``).
    params, headers : mapping, optional
        Query parameters and extra headers.
    retries : int
        How many times connection failures and 429/5xx answers are retried (exponential
        back-off from 0.5 s, capped at 30 s; a ``Retry-After`` header is honoured).
    timeout : float or (float, float)
        Seconds to connect and seconds of silence allowed between bytes.
    method, data
        ``"GET"`` (default) or ``"POST"`` with a body.

    Raises
    ------
    CredentialsError
        On HTTP 401/403.
    DataError
        When the service cannot be reached or answers with any other error.
    """
    try:
        with _session(retries) as session:
            response = session.request(
                method, url, params=params, headers=headers, timeout=timeout, data=data
            )
    except requests.exceptions.RetryError as err:
        raise DataError(f"{service} ({url}) kept failing after {retries} retries: {err}") from err
    except requests.exceptions.RequestException as err:
        raise DataError(
            f"could not reach {service} at {url}: {type(err).__name__}. Is the machine offline? "
            "Data fetched before is read from the cache "
            f"({cache_dir()}); offline, use the shipped entries of the catalog."
        ) from err
    if not response.ok:
        raise _explain(service, url, response)
    return response


def _request_key(url: str, params: Mapping[str, Any] | None) -> str:
    text = json.dumps([url, sorted((str(k), str(v)) for k, v in (params or {}).items())])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_cached(path: Path) -> Any | None:
    """A cached answer if its bytes still match the hash written beside it, else ``None``."""
    stamp = path.with_suffix(".sha256")
    if not (path.exists() and stamp.exists()):
        return None
    data = path.read_bytes()
    if _sha256(data) != stamp.read_text().strip():
        path.unlink()  # corrupted: fetch it again
        stamp.unlink()
        return None
    return json.loads(data)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def get_json(
    url: str,
    *,
    service: str,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    max_age: float | None = None,
    offline_fallback: bool = True,
    retries: int = 3,
    body: Mapping[str, Any] | None = None,
) -> Any:
    """A JSON answer from a web API, cached on disk.

    Parameters
    ----------
    url, service, params, headers, retries
        As for :func:`get`.
    max_age : float, optional
        Seconds after which a cached answer is asked for again (``None``: a cached answer is used
        as long as it exists — right for records of the past; forecasts pass a few hours).
    offline_fallback : bool
        When the service cannot be reached and an older cached answer exists, return it with a
        warning that says how old it is (instead of failing).
    body : mapping, optional
        A JSON request body: the request is then a POST (a STAC ``/search``, for instance), and
        the body is part of the cache key.

    Raises
    ------
    DataError
        When the service fails and no usable cached answer exists, or when the answer is not
        valid JSON (a truncated or HTML answer).
    """
    key_params = dict(params or {})
    if body is not None:
        key_params["__body__"] = json.dumps(body, sort_keys=True)
    path = cache_dir(_folder(service)) / f"{_request_key(url, key_params)}.json"
    cached = _read_cached(path)
    fresh = cached is not None and (
        max_age is None or time.time() - path.stat().st_mtime <= max_age
    )
    if fresh:
        return cached
    try:
        response = get(
            url,
            service=service,
            params=params,
            headers={"Content-Type": "application/json", **(headers or {})} if body else headers,
            retries=retries,
            method="POST" if body is not None else "GET",
            data=json.dumps(body) if body is not None else None,
        )
    except CredentialsError:
        raise
    except DataError as err:
        if cached is None or not offline_fallback:
            raise
        age_h = (time.time() - path.stat().st_mtime) / 3600.0
        warnings.warn(
            f"{err} Using the cached answer from {age_h:.1f} h ago instead.",
            UserWarning,
            stacklevel=2,
        )
        return cached
    data = response.content
    try:
        value = json.loads(data)
    except ValueError as err:
        raise DataError(
            f"{service} ({response.url}) did not answer valid JSON ({len(data)} bytes, "
            f"content-type {response.headers.get('content-type')!r}): a truncated answer or an "
            "error page. Nothing was cached; try again."
        ) from err
    _write_atomic(path, data)
    _write_atomic(path.with_suffix(".sha256"), _sha256(data).encode())
    return value


def _folder(service: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in service.lower()).strip("_")


def fetch_file(
    url: str,
    *,
    service: str,
    known_hash: str | None = None,
    fname: str | None = None,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    retries: int = 3,
) -> Path:
    """Download a file into the cache once (through pooch) and return its local path.

    Parameters
    ----------
    url, service, params, headers, retries
        As for :func:`get`. ``params`` are sent as the query string (WCS, WMS...).
    known_hash : str, optional
        ``"sha256:…"`` of a fixed file. A cached copy whose hash differs (corrupted, or a partial
        file left by another tool) is downloaded again; a download whose hash differs raises.
        Without it (a query result), the hash measured at download time is recorded next to
        the file and checked on every later use, with the same re-download on mismatch.
    fname : str, optional
        File name in the cache (default: derived from the URL and the parameters).

    Raises
    ------
    DataError
        When the download fails after the retries, or the downloaded file's hash is wrong.
    """
    folder = cache_dir(_folder(service))
    name = fname or f"{_request_key(url, params)}-{Path(url.split('?')[0]).name or 'data'}"
    path = folder / name
    stamp = path.with_name(path.name + ".sha256")
    if known_hash is None and path.exists():
        if stamp.exists() and pooch.file_hash(str(path)) == stamp.read_text().strip():
            return path
        path.unlink()  # no record or a different hash: not trusted, fetch again
    downloader = pooch.HTTPDownloader(
        params=dict(params or {}),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        timeout=TIMEOUT,
    )
    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            local = pooch.retrieve(
                url, known_hash=known_hash, fname=name, path=folder, downloader=downloader
            )
            break
        except requests.exceptions.HTTPError as err:
            response = err.response
            if response is None:
                raise DataError(f"{service} ({url}): {err}") from err
            if response.status_code not in RETRY_STATUSES:
                raise _explain(service, url, response) from err
            last = err
            wait = response.headers.get("Retry-After", "")
            time.sleep(min(float(wait), 30.0) if wait.isdigit() else min(0.5 * 2**attempt, 30.0))
        except requests.exceptions.RequestException as err:
            last = err
            time.sleep(min(0.5 * 2**attempt, 30.0))
        except ValueError as err:  # pooch: the downloaded file's hash is not the known one
            raise DataError(
                f"{service} ({url}) delivered a file whose hash does not match the expected "
                f"{known_hash}: {err}"
            ) from err
    else:
        raise DataError(
            f"could not download from {service} ({url}) after {retries} retries: "
            f"{type(last).__name__}: {last}"
        ) from last
    local = Path(local)
    if known_hash is None:
        _write_atomic(stamp, pooch.file_hash(str(local)).encode())
    return local


def cached_product(
    request: Mapping[str, Any],
    *,
    service: str,
    suffix: str,
    produce: Callable[[Path], None],
) -> Path:
    """A file written by a service's own client (copernicusmarine, cdsapi), cached like a download.

    Parameters
    ----------
    request : mapping
        Everything that defines the product (dataset, variables, box, times): the cache key.
    service : str
        The service's name (cache folder and errors).
    suffix : str
        File name suffix, e.g. ``".nc"``.
    produce : callable
        ``produce(path)`` writes the file at ``path`` (a temporary name); it raises on failure.

    The file is moved into place only once ``produce`` returned, its SHA-256 is recorded beside
    it, and a cached copy whose hash no longer matches (corrupted, truncated) is made again.

    Raises
    ------
    DataError
        When ``produce`` returned without writing a file.
    """
    folder = cache_dir(_folder(service))
    path = folder / f"{_request_key(service, request)}{suffix}"
    stamp = path.with_name(path.name + ".sha256")
    if path.exists():
        if stamp.exists() and pooch.file_hash(str(path)) == stamp.read_text().strip():
            return path
        path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        produce(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise DataError(f"{service} wrote no file for the request {dict(request)}; try again.")
    partial.replace(path)
    _write_atomic(stamp, pooch.file_hash(str(path)).encode())
    return path
