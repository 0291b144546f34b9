"""Provenance of a stored run: versions, git revision, input file hashes, device and host."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import os
import platform
import socket
import subprocess
from pathlib import Path

from twinbench.scenarios.scenario import Scenario

PACKAGE = Path(__file__).resolve().parents[1]
#: Distributions whose versions a run records.
VERSIONED = ("twinbench", "jax", "jaxlib", "numpy", "xarray", "zarr", "pandas", "equinox")


def utc_now() -> str:
    """The current UTC time as ISO 8601 with microseconds and a ``Z`` (sorts as text)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def versions() -> dict[str, str | None]:
    """Installed versions of twinbench, its engine and I/O dependencies, and Python."""
    out: dict[str, str | None] = {}
    for name in VERSIONED:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    out["python"] = platform.python_version()
    return out


def git_revision(source: Path = PACKAGE) -> dict[str, str | bool] | None:
    """``{"revision": sha, "dirty": bool}`` of the checkout holding ``source``, or None when the
    twinbench source is not a git checkout (an installed wheel) or git is unavailable."""
    top = source.parent
    if not (top / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(top), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        status = subprocess.run(
            ["git", "-C", str(top), "status", "--porcelain", "--untracked-files=no", "--", "."],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0:
        return None
    return {"revision": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_files(scenario: Scenario) -> list[Path]:
    """The shipped data files that building and running ``scenario`` reads.

    The Gironde domain reads the ETOPO2v2 shelf depths and the Histolitt coastline; a tide reads
    the constituent table; TICON-4 records are read for ``ticon:`` constituents and for the
    Gironde's named gauges. Domains that are formulas (``tidal_basin``) read nothing.
    """
    files: list[Path] = []
    if scenario.domain["name"] == "gironde":
        files += [
            PACKAGE / "domains" / "data" / "etopo2v2_gironde.npz",
            PACKAGE / "domains" / "data" / "histolitt_land_gironde_simplified.geojson",
        ]
    if scenario.tide is not None:
        files.append(PACKAGE / "tides" / "data" / "foreman_constituents.json")
        constituents = scenario.tide.get("constituents")
        if isinstance(constituents, str) and constituents.startswith("ticon:"):
            files += sorted((PACKAGE / "tides" / "data" / "ticon4").glob("*.json"))
    if scenario.stations:
        files += sorted((PACKAGE / "tides" / "data" / "ticon4").glob("*.json"))
    return sorted(set(files))


def input_hashes(scenario: Scenario, files: dict[str, Path]) -> dict[str, str]:
    """sha256 of every input file: ``files`` (label → path: the scenario file, the stations
    CSV) and the shipped data files (labelled by their path inside the package)."""
    hashes = {label: sha256(path) for label, path in files.items()}
    for path in data_files(scenario):
        hashes[f"twinbench/{path.relative_to(PACKAGE).as_posix()}"] = sha256(path)
    return hashes


def process_start(pid: int) -> int | None:
    """Start time of process ``pid`` (clock ticks since boot, Linux ``/proc``), or None.

    Stored with the PID so that a later process reusing the number is not taken for it.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (which may hold spaces) start at the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[19])


def process_alive(pid: int, start: int | None = None) -> bool:
    """Whether process ``pid`` (started at ``start``, when known) is still running on this host.

    A zombie (killed, not yet reaped) counts as dead.
    """
    if pid <= 0:
        return False
    proc = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            stat = proc.read_text()
        except OSError:
            return False
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] in ("Z", "X"):
            return False
        return start is None or int(fields[19]) == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def host() -> str:
    """This machine's host name."""
    return socket.gethostname()


def device() -> dict[str, str | int]:
    """The JAX platform and device that runs the engine."""
    import jax

    first = jax.devices()[0]
    return {
        "platform": first.platform,
        "device_kind": first.device_kind,
        "count": jax.device_count(),
    }
