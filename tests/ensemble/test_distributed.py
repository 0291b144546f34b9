"""Beyond one device: a real dask scheduler and two real worker processes, one of which is
killed (SIGKILL) mid-ensemble; the result is still complete and equal to the sequential run."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from twinbench.ensemble import run_ensemble

distributed = pytest.importorskip("distributed")


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"gave up waiting for {what} after {timeout} s")


@pytest.fixture
def cluster(tmp_path):
    """``dask scheduler`` and two ``dask worker --no-nanny --nthreads 1`` processes."""
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    cli = [sys.executable, "-m"]
    processes = [
        subprocess.Popen(
            [*cli, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]  # fmt: skip
    try:
        _wait_for(scheduler_file.exists, 60, "the scheduler file")
        for _ in range(2):
            processes.append(subprocess.Popen(
                [*cli, "distributed.cli.dask_worker", "--scheduler-file", str(scheduler_file),
                 "--nthreads", "1", "--nworkers", "1", "--no-nanny", "--no-dashboard",
                 "--host", "127.0.0.1"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))  # fmt: skip
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout=60)
        client.wait_for_workers(2, timeout=60)
        yield client, processes[1:]
        client.close()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        for process in processes:
            process.wait(timeout=30)


def test_a_killed_worker_loses_no_member(cluster, small_ensemble, sequential_run):
    client, workers = cluster
    pids = client.run(os.getpid)  # worker address → process id
    assert sorted(pids.values()) == sorted(p.pid for p in workers)
    ens = small_ensemble
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        result = pool.submit(run_ensemble, ens, duration="90min", backend="dask", client=client)
        victim = workers[1]
        address = next(a for a, pid in pids.items() if pid == victim.pid)
        _wait_for(lambda: client.processing().get(address), 60, "a task on the victim worker")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        ds = result.result(timeout=120)
    assert victim.returncode == -signal.SIGKILL
    assert len(client.scheduler_info()["workers"]) == 1
    assert ds.attrs["ensemble_backend"] == "dask" and ds.sizes["member"] == 4
    reference = sequential_run
    for name in ("station_eta", "station_u", "station_v"):
        np.testing.assert_allclose(ds[name].values, reference[name].values, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(ds["sea_level"], reference["sea_level"])
