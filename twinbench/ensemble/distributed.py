"""Beyond one device: one ``dask.distributed`` task per member (or per small batch).

Tasks are submitted with ``retries`` (2 by default), so a worker lost mid-ensemble loses no
member: the scheduler reruns its tasks elsewhere. Workers must import the same twinbench (the
same environment); each compiles its own program once and reuses it for its later members.
"""

from __future__ import annotations

from typing import Any

import xarray as xr

from twinbench.ensemble.combine import combine, run_member
from twinbench.ensemble.members import Ensemble
from twinbench.io.inputs import InputError


def _distributed():
    try:
        import distributed
    except ImportError as err:  # pragma: no cover - dask.distributed is a dependency here
        raise ImportError(
            "backend='dask' needs dask.distributed: pip install 'dask[distributed]'"
        ) from err
    return distributed


def run_batch(ens: Ensemble, members: list[int]) -> list[xr.Dataset]:
    """Run some members of ``ens`` one after the other (the body of one dask task)."""
    return [run_member(ens, k) for k in members]


def run_dask(
    ens: Ensemble,
    *,
    client: Any = None,
    address: str | None = None,
    batch: int = 1,
    retries: int = 2,
    n_workers: int | None = None,
) -> xr.Dataset:
    """Run the members as dask tasks and gather them into one ensemble dataset.

    Parameters
    ----------
    client : distributed.Client, optional
        Where to submit; default: a client of ``address``, or of a new
        ``LocalCluster(processes=True, threads_per_worker=1, n_workers=n_workers)`` that is
        closed afterwards.
    batch : int
        Members per task (more amortises a worker's compile over fewer tasks).
    retries : int
        Reruns of a task whose worker died or which failed.
    """
    distributed = _distributed()
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise InputError(f"batch must be a positive integer, got {batch!r}")
    owned: list[Any] = []
    if client is None:
        if address is not None:
            client = distributed.Client(address)
        else:
            cluster = distributed.LocalCluster(
                n_workers=n_workers, processes=True, threads_per_worker=1, dashboard_address=None
            )
            owned.append(cluster)
            client = distributed.Client(cluster)
        owned.insert(0, client)
    try:
        groups = [list(range(k, min(k + batch, len(ens)))) for k in range(0, len(ens), batch)]
        futures = [
            client.submit(run_batch, ens, group, pure=False, retries=retries) for group in groups
        ]
        runs = [run for part in client.gather(futures) for run in part]
        workers = len(client.scheduler_info()["workers"])
    finally:
        for thing in owned:
            thing.close()
    return combine(runs, ens, "dask", dask_workers=workers)


__all__ = ["run_batch", "run_dask"]
