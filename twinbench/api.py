"""The public entry points: :func:`simulate` (the contract) and :class:`Model` (for gradients).

``simulate`` parses its arguments once at the edge (:mod:`twinbench.io.inputs`), builds the
engine's pytrees, runs the compiled loop of :mod:`twinbench.core` and returns CF xarray.
:class:`Model` exposes the same pieces for ``jax.grad`` and ``jax.vmap``.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from twinbench import core
from twinbench.core import tracer_stepping
from twinbench.io import build, inputs, outputs, tracer_inputs

# A step count that no sane run needs between two outputs: past it the run is reported stalled.
_MAX_STEPS_FACTOR = 1000


class Model:
    """A parsed problem: the engine's grid, parameters and initial state, ready to run.

    Parameters are those of :func:`simulate` (without the times). ``model.params`` and
    ``model.state`` are pytrees whose array leaves (friction field, bed, Coriolis, viscosity,
    boundary tables, depths and discharges) can be replaced and differentiated; the grid and
    the choice of laws are static.

    Examples
    --------
    Gradient of the water level at one cell after 200 steps with respect to the Manning field::

        model = twinbench.Model(ds, physics={"friction": {"law": "manning",
                                                          "coefficient": 0.03}})
        with model.precision():
            dt = 0.5 * float(model.stable_dt())

            def level(params):
                final = model.run(n_steps=200, dt=dt, params=params)
                return model.free_surface(final, params)[10, 20]

            grads = jax.grad(level)(model.params)
            grads.friction.coefficient        # ∂η/∂n, an (ny, nx) array
    """

    def __init__(
        self,
        inputs_ds: xr.Dataset,
        *,
        physics: dict | None = None,
        boundaries: dict | None = None,
        forcing: xr.Dataset | None = None,
        dtype: str = "float64",
        start: Any = None,
        tracers: dict | None = None,
    ):
        self.dtype_name = np.dtype(inputs.parse_dtype(dtype)).name
        self.start = inputs.parse_start(start)
        self.grid_inputs = inputs.parse_inputs(inputs_ds)
        self.physics = inputs.parse_physics(physics, self.grid_inputs)
        self.boundaries = inputs.parse_boundaries(
            boundaries, self.grid_inputs, self.start, self.physics["dry_depth"]
        )
        self.forcing = inputs.parse_forcing(forcing, self.grid_inputs)
        # Tracers (salinity, suspended sediment): parsed specs, engine pytrees, last history.
        self.tracers = tracer_inputs.parse_tracers(tracers, self.grid_inputs, self.boundaries)
        self.tracer_params = self.tracer_state = self.tracer_history = None
        with self.precision():
            self.grid, self.params, self.state = build.build(
                self.grid_inputs, self.physics, self.boundaries, self.forcing, self.dtype
            )
            if self.tracers:
                self.tracer_params, self.tracer_state = tracer_inputs.build_tracers(
                    self.tracers, self.state, self.dtype, _side_shape
                )

    @property
    def dtype(self):
        return jnp.float64 if self.dtype_name == "float64" else jnp.float32

    def precision(self) -> contextlib.AbstractContextManager:
        """Context in which this model's dtype is available (float64 is scoped, not global)."""
        return jax.enable_x64(self.dtype_name == "float64")

    def stable_dt(self, params: core.Params | None = None, state: core.State | None = None):
        """The CFL-limited time step (s) of ``state`` (default: the initial state)."""
        with self.precision():
            return core.stable_dt(state or self.state, params or self.params, self.grid)

    def run(
        self,
        n_steps: int,
        dt: float,
        params: core.Params | None = None,
        state: core.State | None = None,
        checkpoints: int | None = None,
    ) -> core.State:
        """``n_steps`` steps of ``dt`` s: differentiable and batchable (see :func:`core.run`)."""
        params = self.params if params is None else params
        state = self.state if state is None else state
        return core.run(state, params, self.grid, dt, n_steps, checkpoints)

    def free_surface(self, state: core.State, params: core.Params | None = None):
        """η (m) of a state; the bed level where dry."""
        return core.free_surface(state, self.params if params is None else params)

    def history(
        self,
        duration: Any,
        output_every: Any = None,
        params: core.Params | None = None,
        state: core.State | None = None,
    ) -> tuple[np.ndarray, core.State, int]:
        """Adaptive-step run: output times, stacked states and the number of steps."""
        duration = inputs.parse_seconds(duration, "duration")
        every = inputs.parse_seconds(output_every, "output_every", allow_none=True)
        if every is not None and every == 0:
            raise inputs.InputError("output_every must be > 0, got 0")
        times = output_times(duration, every)
        params = self.params if params is None else params
        state = self.state if state is None else state
        with self.precision():
            dt0 = float(core.stable_dt(state, params, self.grid))
            longest = float(np.max(np.diff(times))) if times.size > 1 else 0.0
            budget = _MAX_STEPS_FACTOR * math.ceil(longest / dt0) + 10_000 if dt0 > 0 else 10_000
            if self.tracers:
                # Tracers ride on the same stages; their history is kept in tracer_history.
                states, self.tracer_history, steps, status = tracer_stepping.history_with_tracers(
                    state,
                    self.tracer_state,
                    params,
                    self.tracer_params,
                    self.grid,
                    jnp.asarray(times, self.dtype),
                    jnp.asarray(min(budget, 2**31 - 1), jnp.int32),
                )
            else:
                states, steps, status = core.history(
                    state,
                    params,
                    self.grid,
                    jnp.asarray(times, self.dtype),
                    jnp.asarray(min(budget, 2**31 - 1), jnp.int32),
                )
            status = int(status)
        if status == core.NOT_FINITE:
            raise inputs.InputError(
                f"{core.failure(status, states.t, times)}; check the time step settings (cfl), "
                "the boundary values and the forcing"
            )
        if status == core.STALLED:
            raise inputs.InputError(
                f"{core.failure(status, states.t, times)}: more than {budget} steps between two "
                "outputs; the flow is unstable or the settings are inconsistent"
            )
        return times, states, int(np.sum(np.asarray(steps)))

    def to_dataset(
        self,
        times: np.ndarray,
        states: core.State,
        config: str,
        wall_time: float,
        steps: int,
        tracers: tracer_stepping.Tracers | None = None,
    ) -> xr.Dataset:
        """CF dataset of stacked states (and stacked tracers, when the model has some)."""
        friction = self.physics["friction"].get("coefficient")
        field = None
        if isinstance(friction, np.ndarray) and not np.all(friction == friction.flat[0]):
            field = friction
        device = jax.devices()[0]
        prov = outputs.provenance(f"{device.platform}:{device.device_kind}", wall_time, steps)
        return outputs.history_dataset(
            self.grid_inputs,
            times,
            np.asarray(states.h),
            np.asarray(states.hu),
            np.asarray(states.hv),
            self.physics["dry_depth"],
            config,
            prov,
            field,
            self.start,
            tracer_fields=None
            if tracers is None
            else tracer_inputs.tracer_variables(
                self.tracers,
                ("time", self.grid_inputs.y.name, self.grid_inputs.x.name),
                np.asarray(states.h),
                tracers,
                self.physics["dry_depth"],
            ),
        )


def _side_shape(side: str, values: np.ndarray) -> np.ndarray:
    """(nt, n) side values → the engine's face tables: (nt, n, 1) west/east, (nt, 1, n) else."""
    return values[:, :, None] if side in ("west", "east") else values[:, None, :]


def output_times(duration: float, every: float | None) -> np.ndarray:
    """0, every, 2·every, … (below duration) and duration itself."""
    if every is None or every >= duration:
        return np.array([0.0, duration]) if duration > 0 else np.array([0.0])
    n = math.floor(duration / every * (1 + 1e-12))
    times = every * np.arange(n + 1)
    times = times[times < duration * (1 - 1e-12)]
    return np.append(times, duration)


def simulate(
    inputs_ds: xr.Dataset,
    duration: Any,
    *,
    output_every: Any = None,
    physics: dict | None = None,
    boundaries: dict | None = None,
    forcing: xr.Dataset | None = None,
    dtype: str = "float64",
    start: Any = None,
    tracers: dict | None = None,
) -> xr.Dataset:
    """Run the 2-D depth-averaged shallow-water engine; return its history as CF xarray.

    Parameters
    ----------
    inputs_ds : xarray.Dataset
        Regular grid of cell centres; variables found by ``standard_name``: x and y coordinates
        (``projection_x_coordinate``, ``projection_y_coordinate``, m, uniform spacing), bed depth
        (``sea_floor_depth_below_geoid``, m, positive down, negative on land), and optionally
        the initial free surface and velocities.
    duration : float, str or timedelta
        Run length: seconds, or a string such as ``"6h"``, ``"2D"``.
    output_every : float, str or timedelta, optional
        Output interval; the history always holds the initial state and the state at
        ``duration``.
    physics : dict, optional
        ``gravity`` (m s⁻²), ``friction`` (``{"law": ..., "coefficient": ...}``), ``coriolis``
        (s⁻¹), ``viscosity`` (m² s⁻¹), ``dry_depth`` (m), ``cfl`` (≤ 0.5).
    boundaries : dict, optional
        By side (``west``, ``east``, ``south``, ``north``): ``{"type": "wall"}``,
        ``{"type": "open"}``, ``{"type": "level", "value": eta}``,
        ``{"type": "discharge", "value": q, "depth": h}``; values are numbers or DataArrays over
        ``time`` (s), optionally also along the side. A tidal sea with a radiation condition:
        ``{"type": "tide", "constituents": {"M2": {"amplitude": m, "phase": deg}, ...},
        "mean": offset}`` (Greenwich phase lags, UTC; amplitudes and phases numbers or values
        along the side; needs ``start``). Rivers: ``{"type": "river", "discharge": Q,
        "between": [a, b]}`` (Q in m³ s⁻¹, number or series, spread over the wet cells whose
        centres lie in [a, b] m along the side, or ``"cells": [first, last]``), or a list of
        them on one side (the rest of the side is a wall).
    forcing : xarray.Dataset, optional
        Surface forcing found by standard name: ``x_wind``/``y_wind`` (m s⁻¹, 10 m; stress by
        Wu 1982) or ``surface_downward_x_stress``/``..._y_stress`` (Pa), and
        ``air_pressure_at_mean_sea_level`` (Pa); each constant, over ``time`` (s), over
        ``(y, x)`` or over ``(time, y, x)``.
    dtype : {"float64", "float32"}
        Precision of the run (float64 is enabled for this call only).
    start : str, datetime or numpy.datetime64, optional
        Date and time (UTC unless time-zone aware) of the initial state. Tides are computed
        for the real dates; the output ``time`` is then datetimes.

    Returns
    -------
    xarray.Dataset
        Dims ``(time, y, x)``: free surface, water depth, velocities and the static bed depth,
        CF-1.10 attributes, provenance and the configuration that reproduces the run.

    Raises
    ------
    ValueError
        For any input the engine cannot run with, and for runs that become unstable.

    Examples
    --------
    >>> import numpy as np, xarray as xr, twinbench
    >>> x = np.arange(50) * 20.0 + 10.0
    >>> ds = xr.Dataset(
    ...     {"depth": (("y", "x"), np.full((1, 50), 10.0),
    ...                {"standard_name": "sea_floor_depth_below_geoid", "units": "m"})},
    ...     coords={"x": ("x", x, {"standard_name": "projection_x_coordinate", "units": "m"}),
    ...             "y": ("y", [0.0], {"standard_name": "projection_y_coordinate", "units": "m"})})
    >>> out = twinbench.simulate(ds, "10min", output_every="5min",
    ...                          boundaries={"west": {"type": "level", "value": 0.1}})
    >>> out.sizes["time"], out.attrs["Conventions"]
    (3, 'CF-1.10')
    """
    clock = time.perf_counter()
    model = Model(
        inputs_ds,
        physics=physics,
        boundaries=boundaries,
        forcing=forcing,
        dtype=dtype,
        start=start,
        tracers=tracers,
    )
    duration_s = inputs.parse_seconds(duration, "duration")
    every = inputs.parse_seconds(output_every, "output_every", allow_none=True)
    times, states, steps = model.history(duration_s, every)
    config = outputs.configuration(
        duration_s,
        every,
        model.physics,
        model.boundaries,
        model.forcing,
        model.dtype_name,
        model.start,
    )
    if model.tracers:
        config = json.dumps(
            {**json.loads(config), "tracers": tracer_inputs.configuration(model.tracers)}
        )
    return model.to_dataset(
        times, states, config, time.perf_counter() - clock, steps, model.tracer_history
    )
