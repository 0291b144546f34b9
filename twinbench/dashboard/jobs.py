"""Runs and predictions of the dashboard on Dask: a :class:`Launcher` holds the cluster (a
``LocalCluster`` of spawned single-threaded workers, or a scheduler's address) and the
submissions still waiting for a worker.

Each launch is a :func:`twinbench.runs.launch` on a worker: the worker registers the run in
the index, predicts it, writes its progress and heartbeat there after every chunk, and stores
the output, so the run table needs only the index. The workers must see the run root (the
same machine, or a shared local-disk path for a scheduler on it: SQLite's WAL mode does not
work over network file systems).
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from twinbench.io.inputs import InputError

#: One XLA thread per worker: the workers are the parallelism (docs/ensembles.md).
WORKER_ENV = {
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "OMP_NUM_THREADS": "1",
}
#: Progress updates a dashboard run aims for (one per saved chunk).
PROGRESS_STEPS = 10


def checkpoint_every(duration_s: float, output_every_s: float) -> int:
    """Outputs per chunk so that a run reports its progress about :data:`PROGRESS_STEPS`
    times (1 to 24 outputs).

    >>> checkpoint_every(2 * 86400, 3600), checkpoint_every(7200, 3600)
    (5, 1)
    """
    outputs = max(round(duration_s / output_every_s), 1)
    return min(max(-(-outputs // PROGRESS_STEPS), 1), 24)


def launch_job(document: dict, root: str, name: str, stations_csv: str | None, chunk: int) -> str:
    """Run a scenario document as a stored run (on a worker); returns its id."""
    from twinbench import runs

    with tempfile.TemporaryDirectory(prefix="twinbench-stations-") as folder:
        stations = None
        if stations_csv is not None:
            stations = Path(folder) / "stations.csv"
            stations.write_text(stations_csv)
        return runs.launch(
            document, root=root, name=name, stations=stations, checkpoint_every=chunk
        ).id


def predict_job(document: dict, root: str, chunk: int) -> dict:
    """:func:`twinbench.runs.predict` of a scenario document (on a worker), as a dict with
    its summary under ``"text"``."""
    from twinbench import runs

    prediction = runs.predict(document, root, checkpoint_every=chunk)
    return {**dataclasses.asdict(prediction), "text": str(prediction)}


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ImportError(
            "the dashboard launches runs on Dask: pip install 'twinbench[dask]'"
        ) from None
    return distributed


@dataclasses.dataclass
class Submission:
    """A launch handed to Dask whose run is not in the index yet (or whose launch failed
    before it was)."""

    name: str
    scenario: str
    submitted: float
    future: Any


class Launcher:
    """The Dask side of the dashboard.

    Parameters
    ----------
    root : run root (where the index and the run folders are).
    workers : workers of the local cluster (ignored with ``scheduler``).
    scheduler : address of a running Dask scheduler (``tcp://host:8786``) instead.

    The cluster starts in a background thread; :attr:`client` waits for it.
    """

    def __init__(self, root: str | Path, workers: int = 2, scheduler: str | None = None):
        if scheduler is None and (isinstance(workers, bool) or int(workers) < 1):
            raise InputError(f"workers must be ≥ 1, got {workers!r}")
        self.root = Path(root)
        self.workers = int(workers)
        self.scheduler = scheduler
        self.cluster: Any = None
        self._client: Any = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.submissions: dict[str, Submission] = {}

    def start(self) -> Launcher:
        """Start (or connect to) the cluster in a background thread."""
        threading.Thread(target=self._start, name="twinbench-dask", daemon=True).start()
        return self

    def _start(self) -> None:
        try:
            distributed = _distributed()
            if self.scheduler is not None:
                self._client = distributed.Client(self.scheduler, timeout="20s")
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                    env=WORKER_ENV,
                )
                self._client = distributed.Client(self.cluster)
        except BaseException as err:  # shown in the page: the server keeps serving history
            self._error = err
        finally:
            self._ready.set()

    @property
    def client(self) -> Any:
        """The Dask client (waits up to 120 s for the cluster to start)."""
        if not self._ready.wait(120.0):
            raise InputError("the Dask cluster is still starting; try again in a moment")
        if self._error is not None:
            raise InputError(f"the Dask cluster could not start: {self._error}")
        return self._client

    def describe(self) -> str:
        """One line on the cluster: where it is and how many workers it has."""
        if not self._ready.is_set():
            return "Dask cluster starting…"
        if self._error is not None:
            return f"Dask cluster unavailable: {self._error}"
        count = len(self._client.scheduler_info(n_workers=-1).get("workers", {}))
        where = self.scheduler or "local cluster"
        return f"Dask: {where}, {count} worker(s)"

    def scale(self, workers: int) -> None:
        """Set the local cluster's number of workers (not possible with a scheduler address)."""
        if isinstance(workers, bool) or int(workers) < 1:
            raise InputError(f"workers must be ≥ 1, got {workers!r}")
        if self.scheduler is not None:
            raise InputError("the workers of a remote scheduler are set where it runs")
        self.client  # noqa: B018  (waits for the cluster)
        self.cluster.scale(int(workers))
        self.workers = int(workers)

    def launch(
        self, document: dict, name: str | None = None, stations_csv: str | None = None
    ) -> Submission:
        """Submit a run of ``document``; returns its :class:`Submission` (named ``name``)."""
        from twinbench.dashboard.forcing import run_name
        from twinbench.scenarios.scenario import load

        scenario = load(document)
        name = name or run_name(document, secrets.token_hex(3))
        chunk = checkpoint_every(scenario.duration, scenario.output_every)
        future = self.client.submit(
            launch_job, document, str(self.root), name, stations_csv, chunk, key=f"launch-{name}"
        )
        submission = Submission(name, scenario.name, time.time(), future)
        with self._lock:
            self.submissions[name] = submission
        return submission

    def predict(self, document: dict) -> Any:
        """Submit a prediction of ``document``; returns the future of :func:`predict_job`."""
        from twinbench.scenarios.scenario import load

        scenario = load(document)
        chunk = checkpoint_every(scenario.duration, scenario.output_every)
        return self.client.submit(predict_job, document, str(self.root), chunk, pure=False)

    def waiting(self, listed: set[str]) -> list[Submission]:
        """Submissions whose run is not among the index's run names ``listed`` yet; those
        that are listed are forgotten (the index tells their story from then on)."""
        with self._lock:
            for name in [n for n in self.submissions if n in listed]:
                del self.submissions[name]
            return list(self.submissions.values())

    def close(self) -> None:
        """Close the client and the local cluster (their runs become ``interrupted``)."""
        if not self._ready.wait(30.0):
            return
        for thing in (self._client, self.cluster):
            if thing is not None:
                with contextlib.suppress(OSError, RuntimeError, TimeoutError):
                    thing.close()


__all__ = ["WORKER_ENV", "Launcher", "Submission", "checkpoint_every", "launch_job", "predict_job"]
