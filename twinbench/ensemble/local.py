"""One device: every member as a change of traced leaves, all members in one ``jax.vmap``.

Each member's scenario is parsed the usual way (:func:`twinbench.scenarios.model_for`), so a
member's river discharge, sea level, friction factor or storm lands exactly where a single run
puts it: in the leaves of ``Params`` (discharge tables, the tide's mean, friction fields,
forcing tables) and of the initial ``State`` (the raised initial level). When every member has
the same grid and the same pytree structure (same leaf shapes), the leaves are stacked and the
adaptive forward history runs for all members at once, as one compiled program reused for
every chunk of output times and for later ensembles of the same shapes.

Members that change the structure — another grid, a what-if that adds a forcing or a drag
field the base lacks, a river series with other time samples, another station layout — are
**rejected** in vmap mode with an :class:`~twinbench.io.inputs.InputError` naming the member
and the difference; run such ensembles with ``backend="sequential"`` or ``"dask"``.
"""

from __future__ import annotations

import json
import time

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from twinbench import core
from twinbench.api import output_times
from twinbench.core import tracer_stepping
from twinbench.ensemble.combine import combine, keep
from twinbench.ensemble.members import Ensemble
from twinbench.io import cf, tracer_inputs
from twinbench.io.inputs import InputError
from twinbench.scenarios import runner

MAX_STEPS = 10**7  # between two outputs, as the scenario runner


def _member_history(state, tracers, params, tracer_params, grid, out_times, n_valid, j, i, fields):
    """One member over one window of output times: its records and its state at ``n_valid``."""
    max_steps = jnp.int32(MAX_STEPS)
    if tracers is None:
        states, steps, status = core.history(state, params, grid, out_times, max_steps)
        stacked = None
    else:
        states, stacked, steps, status = tracer_stepping.history_with_tracers(
            state, tracers, params, tracer_params, grid, out_times, max_steps
        )
    final = jax.tree.map(lambda a: a[n_valid], (states, stacked))
    if fields:
        record = (states, stacked)
    else:
        series = jnp.stack([states.h[:, j, i], states.hu[:, j, i], states.hv[:, j, i]])
        content = None if stacked is None else {k: c[:, j, i] for k, c in stacked.content.items()}
        record = (series, content)
    return final, record, jnp.sum(steps), status


_batched = jax.jit(
    jax.vmap(_member_history, in_axes=(0, 0, 0, 0, None, None, None, None, None, None)),
    static_argnums=(4, 9),
)


def compilations() -> int:
    """How many programs the batched history has compiled so far in this process."""
    return _batched._cache_size()


def _signature(model) -> tuple:
    trees = (model.state, model.tracer_state, model.params, model.tracer_params)
    leaves, treedef = jax.tree.flatten(trees)
    return model.grid, treedef, tuple((np.shape(a), np.asarray(a).dtype.name) for a in leaves)


def _check_batchable(models, gauges) -> None:
    grid, treedef, leaves = _signature(models[0])
    for k, model in enumerate(models[1:], start=1):
        other = _signature(model)
        reason = None
        if other[0] != grid:
            reason = f"its grid {other[0]} differs from member 0's {grid}"
        elif other[1] != treedef:
            reason = "its parameters have another structure (e.g. a forcing or a drag field "
            reason += "the other members lack)"
        elif other[2] != leaves:
            reason = "its parameter tables have other shapes (e.g. a river series sampled at "
            reason += "other times)"
        elif not gauges[k].equals(gauges[0]):
            reason = "its stations fall in other cells"
        if reason:
            raise InputError(
                f"member {k} cannot join a vmap ensemble: {reason}; run this ensemble with "
                "backend='sequential' or backend='dask'"
            )


def _stack(trees):
    return jax.tree.map(lambda *a: jnp.stack([jnp.asarray(x) for x in a]), *trees)


def run_vmap(ens: Ensemble, chunk: int = 24) -> xr.Dataset:
    """All members in one ``jax.vmap`` of the forward history (see the module doc).

    Returns the dataset of :func:`twinbench.ensemble.run_ensemble`; its ``compilations``
    attribute counts the programs compiled for it (1 the first time, 0 for a later ensemble of
    the same shapes).
    """
    clock = time.perf_counter()
    scenarios = [ens.scenario(k) for k in range(len(ens))]
    built = [runner.model_for(s) for s in scenarios]
    models = [m for m, _ in built]
    gauges = [runner._stations(s, d, None) for s, (_, d) in zip(scenarios, built, strict=True)]
    _check_batchable(models, gauges)
    base, fields = models[0], ens.base.fields
    times = output_times(ens.base.duration, ens.base.output_every)
    j = jnp.asarray(gauges[0]["j"].to_numpy(int))
    i = jnp.asarray(gauges[0]["i"].to_numpy(int))
    compiled_before = compilations()
    pieces, steps = [], np.zeros(len(models), dtype=np.int64)
    with base.precision():
        state = _stack([m.state for m in models])
        tracers = None if base.tracers is None else _stack([m.tracer_state for m in models])
        params = _stack([m.params for m in models])
        tracer_params = None if base.tracers is None else _stack([m.tracer_params for m in models])
        for first in range(0, times.size - 1, chunk):
            last = min(first + chunk, times.size - 1)
            window = np.full(chunk + 1, times[last])
            window[: last - first + 1] = times[first : last + 1]
            (state, tracers), record, n, status = _batched(
                state, tracers, params, tracer_params, base.grid,
                jnp.asarray(window, base.dtype), jnp.int32(last - first), j, i, fields,
            )  # fmt: skip
            bad = np.flatnonzero(np.asarray(status) != core.OK)
            if bad.size:
                raise InputError(
                    f"member(s) {bad.tolist()} became unstable between {times[first]:.0f} s and "
                    f"{times[last]:.0f} s; check their values"
                )
            rows = slice(0 if first == 0 else 1, last - first + 1)
            pieces.append(_kept(record, rows, fields))
            steps += np.asarray(n)
    compiled = compilations() - compiled_before
    wall = time.perf_counter() - clock
    runs = [
        _member_dataset(
            k, models[k], scenarios[k], gauges[k], times, pieces, fields, wall, int(steps[k])
        )
        for k in range(len(models))
    ]
    return combine(runs, ens, "vmap", compilations=compiled, wall_time_s=wall)


def _kept(record, rows: slice, fields: bool):
    """The output times of a window a run keeps (the window's first is the previous last)."""
    if fields:
        return jax.tree.map(lambda a: np.asarray(a)[:, rows], record)
    series, content = record
    content = None if content is None else {k: np.asarray(c)[:, rows] for k, c in content.items()}
    return np.asarray(series)[:, :, rows], content


def _member_dataset(k, model, scenario, gauges, times, pieces, fields, wall, steps):
    """Member ``k``'s records → the station (and field) variables of a scenario run."""
    names = list(model.tracers or ())
    if fields:
        states = core.State(*(np.concatenate([getattr(p[0], f)[k] for p in pieces])
                              for f in ("h", "hu", "hv", "t")))  # fmt: skip
        joined = None
        if names:
            joined = jax.tree.map(lambda *a: np.concatenate([x[k] for x in a]),
                                  *[p[1] for p in pieces])  # fmt: skip
        config = json.dumps({"scenario": scenario.document, "duration": scenario.duration})
        out = model.to_dataset(times, states, config, wall, steps, joined)
        j, i = gauges["j"].to_numpy(int), gauges["i"].to_numpy(int)
        series = np.stack([states.h[:, j, i], states.hu[:, j, i], states.hv[:, j, i]])
        content = {n: joined.content[n][:, j, i] for n in names}
    else:
        out = xr.Dataset()
        series = np.concatenate([p[0][k] for p in pieces], axis=1)
        content = {n: np.concatenate([p[1][n][k] for p in pieces]) for n in names}
    out = runner._with_stations(out, series, gauges, times, model)
    for name in names:
        h = out["station_depth"].values.T
        values = np.where(h > model.physics["dry_depth"], content[name] / np.where(h > 0, h, 1),
                          np.nan)  # fmt: skip
        variable = tracer_inputs.OUTPUT_NAMES[name]
        out[f"station_{variable}"] = (("station", "time"), values.T.astype(h.dtype),
                                      cf.attrs(variable))  # fmt: skip
    return keep(out, fields)


__all__ = ["compilations", "run_vmap"]
