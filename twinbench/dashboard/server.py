"""``twinbench serve``: the dashboard on a Panel (Bokeh/Tornado) server, loopback by default.

There is no authentication: whoever reaches the page can launch runs and read every run of the
root. So the server binds 127.0.0.1 unless an address is given explicitly, and then warns.
"""

from __future__ import annotations

import ipaddress
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from twinbench.io.inputs import InputError
from twinbench.runs import store

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 5006


def is_loopback(address: str) -> bool:
    """Whether ``address`` (a host name or IP) only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def websocket_origins(address: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The ``host:port`` origins the page's websocket may come from: the loopback names for a
    loopback address; the address itself otherwise (this host's names for ``0.0.0.0``/``::``);
    plus ``extra``.

    >>> websocket_origins("127.0.0.1", 5006)
    ['127.0.0.1:5006', 'localhost:5006']
    >>> websocket_origins("10.0.0.5", 8080, ["twin.example.org"])
    ['10.0.0.5:8080', 'twin.example.org']
    """
    if is_loopback(address):
        hosts = [LOOPBACK, "localhost"]
    elif address in ("0.0.0.0", "::", ""):
        hosts = [socket.gethostname(), socket.getfqdn(), LOOPBACK, "localhost"]
    else:
        hosts = [address]
    origins = list(dict.fromkeys(f"{host}:{port}" for host in hosts))
    return origins + [o for o in extra if o not in origins]


def check_port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise InputError(f"port must be a whole number in 1-65535, got {port!r}")
    return port


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager, a test fixture) stops the server like Ctrl-C, so the Dask
    cluster and its worker processes are closed rather than orphaned."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def serve(
    root: str | Path | None = None,
    *,
    port: int = DEFAULT_PORT,
    address: str = LOOPBACK,
    workers: int = 2,
    scheduler: str | None = None,
    origins: Sequence[str] = (),
) -> None:
    """Serve the dashboard until interrupted (Ctrl-C or SIGTERM).

    Parameters
    ----------
    root : run root (default ``$TWINBENCH_RUNS``, else ``~/.twinbench/runs``).
    port : TCP port. address : interface to bind (loopback by default).
    workers : Dask workers of the local cluster. scheduler : a Dask scheduler's address instead.
    origins : extra allowed websocket origins (``host:port``), e.g. behind a reverse proxy.
    """
    try:
        import panel as pn
    except ImportError:
        raise ImportError("the dashboard needs panel: pip install 'twinbench[ui]'") from None
    from twinbench.dashboard.app import Dashboard
    from twinbench.dashboard.jobs import Launcher

    check_port(port)
    root_path = store.resolve_root(root)
    root_path.mkdir(parents=True, exist_ok=True)
    allowed = websocket_origins(address, port, origins)
    if not is_loopback(address):
        print(
            f"twinbench serve: warning: listening on {address}, not on the loopback: anyone "
            "who can reach it can launch runs and read the run root (no authentication). "
            "Prefer the default 127.0.0.1 with an SSH tunnel.",
            file=sys.stderr,
            flush=True,
        )
    launcher = Launcher(root_path, workers, scheduler).start()
    exports = Path(tempfile.mkdtemp(prefix="twinbench-downloads-"))
    _stop_on_sigterm()
    print(
        f"twinbench serve: http://{address}:{port}/ (run root {root_path}; "
        f"{scheduler or f'{workers} local Dask worker(s)'})",
        flush=True,
    )
    try:
        pn.serve(
            {"/": lambda: Dashboard(root_path, launcher, exports).layout},
            port=port,
            address=address,
            websocket_origin=allowed,
            show=False,
            title="twinbench dashboard",
            start=True,
        )
    except KeyboardInterrupt:
        pass
    finally:
        launcher.close()
        shutil.rmtree(exports, ignore_errors=True)


__all__ = ["LOOPBACK", "is_loopback", "serve", "websocket_origins"]
