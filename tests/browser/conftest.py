"""Fixtures of the real-browser tests: Debian's Chromium driven by Python Playwright, and the
servers under test (``twinbench serve``, JupyterLab) started on free loopback ports.

The tests skip, saying why, when playwright or /usr/bin/chromium is missing (``make test``
installs Chromium with apt-get where it can). Screenshots go to ``test-artefacts/`` (or
``$TWINBENCH_ARTEFACTS``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium as root in a container: no sandbox, no GPU, nothing fetched in the background.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
REPOSITORY = Path(__file__).resolve().parents[2]


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (make test installs Debian's chromium with apt-get)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, artefacts, request):
    """A fresh page; its last state is saved as ``last-<test>.png`` (to see a failure)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    yield opened
    with contextlib.suppress(Exception):
        opened.screenshot(path=str(artefacts / f"last-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    folder = Path(os.environ.get("TWINBENCH_ARTEFACTS") or REPOSITORY / "test-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_url(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    """Poll ``url`` until it answers (any HTTP status); fail with the server's log if the
    process ends or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()[-4000:]}")


class Server:
    """A server process started by a test (its own process group), stopped with SIGTERM."""

    def __init__(self, command: list[str], url: str, log: Path, env: dict | None = None):
        self.url, self.log = url, log
        with open(log, "ab") as stream:
            self.process = subprocess.Popen(
                command,
                stdout=stream,
                stderr=subprocess.STDOUT,
                cwd=log.parent,
                env=env,
                start_new_session=True,
            )
        wait_for_url(url, self.process, log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Worker processes of the server's Dask cluster share its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def dashboard(tmp_path):
    """A factory: ``dashboard(root)`` starts ``twinbench serve`` on a free port (one worker)
    and returns its :class:`Server`; every server started is stopped at the end."""
    started: list[Server] = []

    def start(root: Path) -> Server:
        port = free_port()
        command = [sys.executable, "-m", "twinbench.cli", "serve", "--root", str(root)]
        command += ["--port", str(port), "--workers", "1"]
        log = tmp_path / f"serve-{len(started)}.log"
        server = Server(command, f"http://127.0.0.1:{port}/", log)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab on a free port, rooted at ``tmp_path/lab`` (token ``tbtoken``), with the
    news and update toasts off (they cover notebook outputs)."""
    root = tmp_path / "lab"
    settings = tmp_path / "lab-settings"
    root.mkdir()
    settings.mkdir()
    (settings / "overrides.json").write_text(
        '{"@jupyterlab/apputils-extension:notification": '
        '{"fetchNews": "false", "checkForUpdates": false}}'
    )
    port = free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--allow-root", "--IdentityProvider.token=tbtoken", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.app_settings_dir={settings}",
    ]  # fmt: skip
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config")}
    server = Server(
        command, f"http://127.0.0.1:{port}/lab?token=tbtoken", tmp_path / "lab.log", env
    )
    server.root = root
    server.base = f"http://127.0.0.1:{port}"
    yield server
    server.stop()
