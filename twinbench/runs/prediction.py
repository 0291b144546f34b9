"""Compute time of a scenario before launch: steps × cells ÷ throughput, plus setup, compile
and finishing.

The engine computes every cell of the grid at every step, so a run's cost is its number of steps
times the time of one step on that grid. The steps come from the scenario's stable time step
(``Model.stable_dt()`` of the initial state) and its duration, corrected by the ratio of actual
to predicted steps of past runs on the same domain (tides deepen the water, so the real step is
a bit smaller). The time of a step comes from the index's past completed runs on this host with
the same dtype and the same physics (domain and tracers: see :func:`domain_key`), their
integration timed alone, on the same grid or fitted over grid sizes; without such runs, from a
short probe of the scenario's own model. Setup (building the domain and the model) and
compilation are not predicted but measured: the prediction does both, as the run would (and
the run, in the same process, then finds them done). What follows the integration (assembling
and writing the output, provenance) is the median of past runs.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from twinbench import core
from twinbench.api import Model
from twinbench.core import tracer_stepping
from twinbench.io.inputs import InputError, parse_seconds
from twinbench.runs import provenance, store
from twinbench.runs.index import Index
from twinbench.scenarios.runner import DOMAINS, model_for
from twinbench.scenarios.scenario import Scenario, load

#: Steps timed by the probe (after a short compiling call).
PROBE_STEPS = 300
_MAX_STEPS = 10**7


@dataclasses.dataclass(frozen=True)
class Prediction:
    """A predicted wall time.

    Attributes
    ----------
    seconds : float
        Predicted wall time of the run (s):
        ``setup_s + compile_s + steps × cells / throughput + finish_s``.
    steps, cells : int
        Predicted time steps; grid cells (the whole grid).
    throughput : float
        Cell-steps per second assumed at this grid size.
    setup_s : float
        Building the domain and the model and its first time step, measured (s; less when
        this process built them before).
    compile_s : float
        Compiling the run's program, measured (s; about 0 when this process compiled it).
    finish_s : float
        Assembling and writing the output and the provenance: the median of past runs (s; 0
        without any).
    probe_s : float
        Time the probe took (s; 0 when past runs calibrated the throughput).
    basis : int
        How many past runs calibrated the time per step (0: a probe of the model did).
    method : str
        ``"history"`` or ``"probe"``.
    dt0 : float
        Stable time step of the initial state (s).
    step_factor : float
        Actual ÷ ``duration/dt0`` steps of past runs on this domain (1 without any).
    """

    seconds: float
    steps: int
    cells: int
    throughput: float
    setup_s: float
    compile_s: float
    finish_s: float
    probe_s: float
    basis: int
    method: str
    dt0: float
    step_factor: float

    @property
    def integration_s(self) -> float:
        """The predicted time of the time steps alone (s)."""
        return self.steps * self.cells / self.throughput

    def __str__(self) -> str:
        source = f"{self.basis} past run(s)" if self.basis else "a probe of the model"
        return (
            f"~{self.seconds:.1f} s: {self.steps:,} steps × {self.cells:,} cells at "
            f"{self.throughput / 1e6:.2f} M cell-steps/s ({self.integration_s:.1f} s) + "
            f"{self.setup_s:.1f} s setup + {self.compile_s:.1f} s compile + "
            f"{self.finish_s:.1f} s output (from {source})"
        )


def scenario_with(source: Scenario | str | Path | Mapping, duration: Any = None) -> Scenario:
    """The scenario, its document updated by the ``duration`` override and its name kept, so
    that the document alone re-runs it."""
    scenario = source if isinstance(source, Scenario) else load(source)
    document = dict(scenario.document)
    document.setdefault("name", scenario.name)
    if duration is not None:
        seconds = parse_seconds(duration, "duration")
        if seconds <= 0:
            raise InputError(f"duration must be > 0, got {duration!r}")
        document["duration"] = duration if isinstance(duration, str) else seconds
    return load(document)


def domain_key(scenario: Scenario) -> str:
    """``family:resolution`` of a scenario: its domain name with its tracers, and the resolution
    defaulted as the builder does, e.g. ``gironde:coarse``, ``gironde+salinity:coarse``.

    Runs of one family share their physics, so the cost of a step differs between them only by
    the grid size. A bounding-box domain is named with its box and source
    (``bbox[-1.6,45.8,-1,46.3 etopo]:3000``): boxes differ in depth, hence in their steps, while
    their family (``bbox``) shares the cost per cell.
    """
    name = scenario.domain["name"]
    if name == "bbox":
        box = ",".join(f"{float(v):g}" for v in scenario.domain.get("bbox", ()))
        name = f"bbox[{box} {scenario.domain.get('source', 'emodnet')}]"
    resolution = scenario.domain.get("resolution")
    if resolution is None:
        parameter = inspect.signature(DOMAINS[name]).parameters.get("resolution")
        resolution = None if parameter is None else parameter.default
    family = "+".join([name, *sorted(scenario.tracers or ())])
    return f"{family}:{resolution}"


def family(key: str) -> str:
    """The family of a :func:`domain_key` (``gironde:coarse`` → ``gironde``,
    ``bbox[-1.6,45.8,-1,46.3 etopo]+salinity:3000`` → ``bbox+salinity``)."""
    name = key.rsplit(":", 1)[0]
    if name.startswith("bbox[") and "]" in name:
        name = "bbox" + name[name.index("]") + 1 :]
    return name


def _program(model: Model, times: jnp.ndarray) -> tuple[Any, tuple]:
    """The compiled-loop function the runner calls for one chunk, and its arguments."""
    if model.tracers:
        args = (model.state, model.tracer_state, model.params, model.tracer_params, model.grid)
        return tracer_stepping.history_with_tracers, (*args, times, _MAX_STEPS)
    return core.history, (model.state, model.params, model.grid, times, _MAX_STEPS)


def compile_chunk(model: Model, chunk: int) -> tuple[Any, float]:
    """Compile (ahead of time) the program that runs ``chunk`` outputs of ``model``, exactly as
    :func:`twinbench.scenarios.run` calls it; return it and the seconds it took (about 0 when
    this process compiled it already: the run will then not compile either)."""
    with model.precision():
        function, args = _program(model, jnp.zeros(chunk + 1, model.dtype))
        clock = time.perf_counter()
        compiled = function.lower(*args).compile()
    return compiled, time.perf_counter() - clock


def probe(model: Model, compiled: Any, chunk: int, steps: int = PROBE_STEPS) -> float:
    """Seconds per step of ``model``: ``steps`` steps of the compiled chunk program, timed
    after a call that takes none (first-call costs)."""
    with model.precision():
        dt0 = float(model.stable_dt()) * (model.params.stages - 1)
        t0 = float(model.state.t)
        _, args = _program(model, jnp.full(chunk + 1, t0, model.dtype))
        jax.block_until_ready(compiled(*args))
        times = jnp.asarray(t0 + np.linspace(0.0, steps * dt0, chunk + 1), model.dtype)
        _, args = _program(model, times)
        clock = time.perf_counter()
        out = jax.block_until_ready(compiled(*args))
        timed = time.perf_counter() - clock
    taken = int(np.sum(np.asarray(out[-2])))
    return timed / max(taken, 1)


def _theil_sen(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Robust line ``y = a + b x``: median of pairwise slopes, median intercept."""
    i, j = np.triu_indices(x.size, k=1)
    distinct = x[i] != x[j]
    slope = float(np.median((y[j] - y[i])[distinct] / (x[j] - x[i])[distinct]))
    return float(np.median(y - slope * x)), slope


def step_time(rows: list[dict], cells: int) -> float | None:
    """Seconds per step on a grid of ``cells`` cells, from past runs' integration timings
    (runs of one family: the same physics), or None when they cannot tell.

    Runs on the same grid: their median. Else, with runs on at least two grid sizes: a
    Theil–Sen fit ``per_step = latency + cells / throughput`` (a small grid pays a fixed cost
    per step, so one grid size cannot be scaled to another).
    """
    if not rows:
        return None
    n = np.array([row["cells"] for row in rows], float)
    per_step = np.array([row["stepping_s"] / row["steps"] for row in rows])
    same = n == cells
    if same.any():
        return float(np.median(per_step[same]))
    if np.unique(n).size >= 2:
        latency, per_cell = _theil_sen(n, per_step)
        if per_cell > 0:
            return max(latency, 0.0) + per_cell * cells
    return None


def step_factor(index: Path, key: str) -> float:
    """Median of actual ÷ ``duration/dt0`` steps of the completed runs on the domain ``key``
    (any dtype and host: the steps do not depend on them), or 1 without any."""
    if not index.exists():
        return 1.0
    ratios = [
        row["steps"] / (row["duration_s"] / row["dt0_s"])
        for row in Index(index).rows("completed")
        if row["domain"] == key and row["steps"] and row["dt0_s"] and row["duration_s"]
    ]
    return float(np.median(ratios)) if ratios else 1.0


def history(index: Path, dtype: str) -> list[dict]:
    """Completed, never resumed runs of this host with ``dtype`` and their timings."""
    if not index.exists():
        return []
    here = provenance.host()
    return [
        row
        for row in Index(index).rows("completed")
        if row["host"] == here
        and row["dtype"] == dtype
        and (row["steps"] or 0) > 0
        and (row["stepping_s"] or 0) > 0
        and row["predict_s"] is not None
        and not row["resumes"]
        and row["wall_s"] is not None
    ]


def predict(
    scenario: Scenario | str | Path | Mapping,
    root: str | Path | None = None,
    *,
    index: str | Path | None = None,
    duration: Any = None,
    checkpoint_every: int | None = None,
    probe_steps: int = PROBE_STEPS,
) -> Prediction:
    """Predict the wall time of running ``scenario`` on this machine, before launching it.

    Parameters
    ----------
    scenario : Scenario, path, shipped name or dict
        What :func:`twinbench.scenarios.run` accepts.
    root, index : path, optional
        Run root and index database (defaults as :func:`twinbench.runs.launch`).
    duration : float or str, optional
        Overrides the scenario's duration (s, or ``"6h"``).
    checkpoint_every : int, optional
        Outputs per chunk of the run (the compiled program depends on it).
    probe_steps : int
        Steps timed by the probe when no past run calibrates the throughput.

    Returns
    -------
    Prediction
        Its ``seconds`` include the setup and the compilation as this call measured them
        (it builds the model and compiles the run's program: a run in this process then
        finds both done).

    Examples
    --------
    Before a long run::

        prediction = twinbench.runs.predict("gironde", duration="2D")
        print(prediction)   # ~41.0 s: 13,345 steps × 8,428 cells at ... (from 6 past run(s))
    """
    clock = time.perf_counter()
    scenario = scenario_with(scenario, duration)
    chunk = store.DEFAULT_CHUNK if checkpoint_every is None else checkpoint_every
    model, _ = model_for(scenario)
    dt0 = float(model.stable_dt()) * (model.params.stages - 1)  # the adaptive steps' Δt
    if not math.isfinite(dt0) or dt0 <= 0:
        raise InputError(f"the scenario's initial state has no stable time step (got {dt0})")
    cells = int(np.asarray(model.state.h).size)
    database = store.index_path(store.resolve_root(root), index)
    rows = history(database, scenario.dtype)
    key = domain_key(scenario)
    same_domain = [row for row in rows if row["domain"] == key]
    same_family = [row for row in rows if family(row["domain"]) == family(key)]
    factor = step_factor(database, key)
    steps = math.ceil(factor * scenario.duration / dt0)
    setup_s = time.perf_counter() - clock
    compiled, compile_s = compile_chunk(model, chunk)
    probe_s = 0.0
    per_step = step_time(same_family, cells)
    # What past runs spent after their prediction and outside their integration.
    after = [r["wall_s"] - r["predict_s"] - r["stepping_s"] for r in same_domain or rows]
    finish_s = max(float(np.median(after)), 0.0) if after else 0.0
    if per_step is not None:
        method, basis = "history", len(same_family)
    else:
        clock = time.perf_counter()
        per_step = probe(model, compiled, chunk, probe_steps)
        probe_s, method, basis = time.perf_counter() - clock, "probe", 0
    return Prediction(
        seconds=setup_s + compile_s + steps * per_step + finish_s,
        steps=steps,
        cells=cells,
        throughput=cells / per_step,
        setup_s=setup_s,
        compile_s=compile_s,
        finish_s=finish_s,
        probe_s=probe_s,
        basis=basis,
        method=method,
        dt0=dt0,
        step_factor=factor,
    )
