"""The front door: :func:`run_ensemble` with a choice of backend."""

from __future__ import annotations

from typing import Any

import xarray as xr

from twinbench.ensemble.combine import run_sequential
from twinbench.ensemble.members import Ensemble
from twinbench.io.inputs import InputError, parse_seconds

#: Backends of :func:`run_ensemble`.
BACKENDS = ("vmap", "sequential", "dask")


def run_ensemble(
    ens: Ensemble,
    *,
    duration: Any = None,
    backend: str = "vmap",
    fields: bool | None = None,
    client: Any = None,
    address: str | None = None,
    batch: int = 1,
    chunk: int = 24,
) -> xr.Dataset:
    """Run every member of an ensemble; one dataset with a ``member`` dimension.

    Parameters
    ----------
    ens : Ensemble
        The base scenario and the members.
    duration : seconds or a string such as ``"6h"``, optional
        Overrides the base scenario's run length.
    backend : {"vmap", "sequential", "dask"}
        ``"vmap"``: all members in one compiled ``jax.vmap`` program on this device (members
        must share the grid and the parameter structure, else an ``InputError`` says which);
        ``"sequential"``: one scenario run after the other; ``"dask"``: one task per ``batch``
        members on a ``dask.distributed`` cluster (see :func:`.distributed.run_dask`).
    fields : bool, optional
        Keep the ``(time, y, x)`` fields per member too (default: the base scenario's
        ``fields``, which the stations-only ensembles of the docs set to false).
    client, address :
        For ``backend="dask"``: a ``distributed.Client``, or a scheduler address; neither
        starts a ``LocalCluster`` for the call.
    batch : int
        Members per dask task.
    chunk : int
        Output times per compiled call (``"vmap"``).

    Returns
    -------
    xarray.Dataset
        ``station_eta``, ``station_depth``, ``station_u``, ``station_v`` (and tracer series)
        over ``(member, station, time)``; a coordinate per member name holding its values
        (NaN where a member leaves it unset); with ``fields``, ``eta``, ``h``, ``u``, ``v``
        over ``(member, time, y, x)``.
    """
    if not isinstance(ens, Ensemble):
        raise InputError(f"run_ensemble needs an Ensemble, got {type(ens).__name__}")
    changes: dict[str, Any] = {}
    if duration is not None:
        seconds = parse_seconds(duration, "duration")
        if seconds <= 0:
            raise InputError(f"duration must be > 0, got {duration!r}")
        changes["duration"] = seconds
    if fields is not None:
        changes["fields"] = bool(fields)
    if changes:
        ens = ens.replace_base(**changes)
    if backend == "vmap":
        from twinbench.ensemble.local import run_vmap

        return run_vmap(ens, chunk=chunk)
    if backend == "sequential":
        return run_sequential(ens)
    if backend == "dask":
        from twinbench.ensemble.distributed import run_dask

        return run_dask(ens, client=client, address=address, batch=batch)
    raise InputError(f"backend must be one of {BACKENDS}, got {backend!r}")


__all__ = ["BACKENDS", "run_ensemble"]
