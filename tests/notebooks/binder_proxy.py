"""A local stand-in for Binder: the environment ``binder/`` describes, built as a fresh virtual
environment, and notebooks executed in its kernel under Binder's memory cap.

mybinder.org installs ``binder/requirements.txt`` with pip from the repository root (repo2docker's
Python buildpack, Python from ``binder/runtime.txt``), runs ``binder/postBuild`` if present, and
restarts a kernel whose memory goes above 2 GB. :func:`build_environment` and :func:`execute`
do the same here, with ``psutil`` summing the resident memory of the kernel's whole process tree
(Dask workers included).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
MEMORY_CAP_MIB = 2048.0  # mybinder.org: 2 GB at most, the kernel is restarted above
POLL_S = 0.2
MIB = 1024.0**2


def runtime_python(binder: Path = BINDER) -> str:
    """An interpreter of the version ``runtime.txt`` names (``python-3.11``), or this one."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    runtime = binder / "runtime.txt"
    if runtime.exists():
        match = re.fullmatch(r"python-(\d+\.\d+)", runtime.read_text().strip())
        if match is None:
            raise ValueError(f"{runtime}: expected 'python-X.Y', got {runtime.read_text()!r}")
        version = match.group(1)
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        return sys.executable
    found = shutil.which(f"python{version}")
    if found is None:
        raise RuntimeError(f"binder/runtime.txt asks for Python {version}: no python{version} here")
    return found


def build_environment(target: Path, binder: Path = BINDER, log: Path | None = None) -> Path:
    """A fresh virtual environment at ``target`` as Binder builds it; returns its python.

    ``python -m venv``, then ``pip install -r binder/requirements.txt`` run from the repository
    root (pip's cache is reused), then ``bash binder/postBuild`` with the environment first on
    ``PATH``. Raises ``RuntimeError`` with the tail of the log when a step fails.

    pip runs with ``--no-compile``: what it resolves and installs is Binder's, but it skips
    byte-compiling every installed module (the kernels compile what they import): 65 → 29 s
    for the install on this 2-core host (2026-12-05).
    """
    if target.exists():
        shutil.rmtree(target)
    python = target / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{target / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    steps = [[runtime_python(binder), "-m", "venv", str(target)]]
    steps.append([str(python), "-m", "pip", "install", "--upgrade", "--quiet", "pip"])
    requirements = str(binder / "requirements.txt")
    steps.append([str(python), "-m", "pip", "install", "--no-compile", "-r", requirements])
    if (binder / "postBuild").exists():
        steps.append(["bash", str(binder / "postBuild")])
    with open(log or os.devnull, "a") as out:
        for step in steps:
            out.write(f"$ {' '.join(step)}\n")
            out.flush()
            done = subprocess.run(step, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            if done.returncode != 0:
                tail = Path(log).read_text()[-3000:] if log else ""
                raise RuntimeError(f"building the Binder environment failed at {step}:\n{tail}")
    return python


def register_kernel(python: Path, prefix: Path, name: str = "twinbench-binder") -> Path:
    """Install the kernelspec of ``python`` under ``prefix``; returns the Jupyter data folder
    that holds it (an entry for ``JUPYTER_PATH``)."""
    subprocess.run(
        [str(python), "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", name],
        check=True,
        capture_output=True,
    )
    return prefix / "share" / "jupyter"


@contextlib.contextmanager
def jupyter_path(folders: list[Path]):
    """``JUPYTER_PATH`` with ``folders`` first, for the duration of the block."""
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([*map(str, folders), *filter(None, [before])])
    try:
        yield
    finally:
        if before is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = before


def tree_rss(pid: int) -> float:
    """Resident memory (bytes) of a process and all its descendants."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


def kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants, children first."""
    try:
        root = psutil.Process(pid)
        processes = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


class Watchdog(threading.Thread):
    """Every :data:`POLL_S` s, the RSS of the kernel's process tree; kills it above the cap."""

    def __init__(self, client: NotebookClient, cap_mib: float):
        super().__init__(daemon=True)
        self.client, self.cap = client, cap_mib * MIB
        self.peak, self.exceeded = 0.0, False
        self.stopped = threading.Event()

    def pid(self) -> int | None:
        provisioner = getattr(self.client.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def run(self) -> None:
        while not self.stopped.wait(POLL_S):
            pid = self.pid()
            if pid is None:
                continue
            rss = tree_rss(pid)
            self.peak = max(self.peak, rss)
            if rss > self.cap:
                self.exceeded = True
                kill_tree(pid)
                return


@dataclass
class NotebookRun:
    """What one execution measured."""

    notebook: str
    status: str  # "ok", "error" or "memory cap exceeded"
    wall_s: float
    peak_rss_mib: float
    cap_mib: float
    message: str = ""


def execute(
    path: Path,
    kernel_name: str,
    data_dirs: list[Path],
    cap_mib: float = MEMORY_CAP_MIB,
    cwd: Path | None = None,
    timeout: int = 900,
) -> NotebookRun:
    """Run a notebook top to bottom in the named kernel under the memory cap.

    ``data_dirs`` are the Jupyter data folders where the kernel is registered. The notebook
    runs in its own folder (as on Binder) unless ``cwd`` is given; its outputs are discarded.
    A cell error gives ``status="error"``, the watchdog's kill ``"memory cap exceeded"``.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=timeout,
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )
    watchdog = Watchdog(client, cap_mib)
    watchdog.start()
    status, message = "ok", ""
    clock = time.perf_counter()
    try:
        with jupyter_path(data_dirs):
            client.execute()  # starts the kernel, and shuts it down at the end
    except (CellExecutionError, DeadKernelError, RuntimeError) as error:
        status, message = "error", str(error)[-2000:]
    finally:
        wall = time.perf_counter() - clock
        watchdog.stopped.set()
        watchdog.join()
    if watchdog.exceeded:
        status = "memory cap exceeded"
        message = f"memory cap exceeded: {watchdog.peak / MIB:.0f} MiB > {cap_mib:.0f} MiB"
    return NotebookRun(path.name, status, round(wall, 1), round(watchdog.peak / MIB, 1),
                       cap_mib, message)  # fmt: skip


def record(run: NotebookRun, artefact: Path, environment: str) -> None:
    """Add (or replace) a notebook's measurements in the JSON artefact."""
    data = json.loads(artefact.read_text()) if artefact.exists() else {"notebooks": {}}
    data["environment"] = environment
    data["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": sys.version.split()[0],
    }
    data["notebooks"][run.notebook] = asdict(run) | {"when": time.strftime("%Y-%m-%d %H:%M")}
    artefact.parent.mkdir(parents=True, exist_ok=True)
    artefact.write_text(json.dumps(data, indent=1, sort_keys=True))
