"""Sensitivity maps and inverse what-ifs from ``jax.grad`` through the engine.

The indicator is the high water at a gauge: the highest level among ``samples`` states taken
every ``steps`` fixed steps of ``dt`` (:func:`twinbench.core.run`, differentiated by the
engine's hand adjoint). :func:`sensitivity` maps its gradient with respect to the bed depth or
the Manning coefficient of every cell; :func:`inverse_kelp` finds the stem density of a kelp
bed that changes it by a chosen amount, by Newton steps on the gradient.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from twinbench import core
from twinbench.io.inputs import InputError
from twinbench.ui.engine import BOUNDS, Settings, WhatIfEngine, vegetation


@dataclasses.dataclass(frozen=True)
class Window:
    """A fixed-step run from ``state`` (the spun-up state): ``samples`` × ``steps`` steps of
    ``dt`` s, high water at cell (j, i)."""

    dt: float
    steps: int
    samples: int
    j: int
    i: int
    state: Any = dataclasses.field(default=None, compare=False, repr=False)


def window(
    engine: WhatIfEngine,
    model,
    station: str,
    duration: float,
    samples: int,
    spin_up: float = 0.0,
    cfl_margin: float = 0.5,
    settings: Settings | None = None,
) -> Window:
    """The fixed-step window of ``duration`` s for a station, at ``cfl_margin`` × stable dt,
    after ``spin_up`` s of adaptive run from the engine's start for ``settings`` (its hot
    start, :meth:`WhatIfEngine.hot_start`, when the engine has a spin-up; else rest)."""
    if station not in engine.stations.index:
        raise InputError(f"unknown station {station!r}; stations: {list(engine.stations.index)}")
    if duration <= 0 or samples < 1:
        raise InputError(f"duration must be > 0 s and samples ≥ 1, got {duration!r}, {samples!r}")
    if spin_up < 0:
        raise InputError(f"spin_up must be ≥ 0 s, got {spin_up!r}")
    state = model.state
    if engine.spin_up > 0:
        with model.precision():
            state = engine.hot_start(settings or Settings(), model)
    if spin_up > 0:
        with model.precision():
            start = float(state.t)
            times = jnp.asarray([start, start + spin_up], model.dtype)
            states, _, status = core.history(state, model.params, model.grid, times, 10**7)
            if int(status) != core.OK:
                raise InputError(f"spin-up: {core.failure(status, states.t, times)}")
            state = jax.tree.map(lambda a: a[-1], states)
    dt_max = cfl_margin * float(model.stable_dt(state=state))
    steps = max(1, math.ceil(duration / samples / dt_max))
    row = engine.stations.loc[station]
    return Window(duration / samples / steps, steps, samples, int(row["j"]), int(row["i"]), state)


def deepened(params, state, deepening):
    """Params and state with the bed lowered by ``deepening`` (m, (ny, nx)) and the water
    column deepened by as much where wet, so the initial water level stays the same."""
    wet = state.h > params.dry_depth
    params = eqx.tree_at(lambda p: p.bed, params, params.bed - deepening)
    state = eqx.tree_at(lambda s: s.h, state, state.h + jnp.where(wet, deepening, 0.0))
    return params, state


@functools.partial(jax.jit, static_argnames=("grid", "steps", "samples"))
def _high_water(params, deepening, state, grid, dt, steps, samples, j, i):
    params, state = deepened(params, state, deepening)

    def sample(s, _):
        s = core.run(s, params, grid, dt, steps)
        return s, s.h[j, i] + params.bed[j, i]

    _, levels = jax.lax.scan(sample, state, None, length=samples)
    return jnp.max(levels)


_value_and_grad = jax.jit(
    jax.value_and_grad(_high_water, argnums=(0, 1)), static_argnames=("grid", "steps", "samples")
)


def high_water(model, w: Window, params=None, deepening=None):
    """The indicator (m): the highest sampled level at the window's cell, for ``params``
    (default the model's) and the bed deepened by ``deepening`` (m, default none)."""
    params = model.params if params is None else params
    with model.precision():
        deepening = jnp.zeros_like(params.bed) if deepening is None else deepening
        deepening = jnp.asarray(deepening, params.bed.dtype)
        value = _high_water(
            params, deepening, w.state, model.grid, w.dt, w.steps, w.samples, w.j, w.i
        )
    return float(value)


def high_water_and_gradient(model, w: Window, params=None):
    """The indicator (m), its gradient with respect to every leaf of ``params`` and with
    respect to a deepening of each cell (m m⁻¹, :func:`deepened`)."""
    params = model.params if params is None else params
    with model.precision():
        zero = jnp.zeros_like(params.bed)
        value, (grads, by_depth) = _value_and_grad(
            params, zero, w.state, model.grid, w.dt, w.steps, w.samples, w.j, w.i
        )
    return float(value), grads, np.asarray(by_depth)


def sensitivity(
    engine: WhatIfEngine,
    settings: Settings | None = None,
    station: str = "Bordeaux",
    wrt: str = "depth",
    duration: float = 3 * 3600.0,
    samples: int = 12,
    spin_up: float = 0.0,
) -> xr.DataArray:
    """∂(high water at ``station`` over ``duration`` s)/∂(bed depth, m) or /∂(Manning n) per cell.

    A deeper cell keeps its initial water level (its water column deepens with it).

    Returns an ``(y, x)`` DataArray (m m⁻¹ for depth, m s⁻¹ m^(1/3) for Manning; NaN on land)
    whose ``attrs["high_water"]`` is the indicator's value (m).
    """
    if wrt not in ("depth", "manning"):
        raise InputError(f"wrt must be 'depth' or 'manning', got {wrt!r}")
    model, domain = engine.model(settings or Settings())
    w = window(engine, model, station, duration, samples, spin_up, settings=settings)
    value, grads, by_depth = high_water_and_gradient(model, w)
    if wrt == "depth":
        field, units = by_depth.astype(float), "m m-1"
    else:
        if not hasattr(grads.friction, "coefficient"):
            raise InputError("wrt='manning' needs a scenario with a friction law")
        field, units = np.asarray(grads.friction.coefficient, float), "m s m-1/3"
    field = np.where(domain["depth"].values > 0, field, np.nan)
    return xr.DataArray(
        field,
        coords={"y": domain["y"], "x": domain["x"]},
        dims=("y", "x"),
        name=f"d_hw_d_{wrt}",
        attrs={
            "long_name": f"sensitivity of the high water at {station} to the {wrt}",
            "units": units,
            "high_water": value,
            "station": station,
            "dt": w.dt,
            "steps": w.steps * w.samples,
        },
    )


@dataclasses.dataclass(frozen=True)
class InverseResult:
    """The density found (stems m⁻²), the change reached (m) and the iterations' history."""

    density: float
    change: float
    target: float
    history: tuple[tuple[float, float], ...]  # (density, change) per iteration


def inverse_kelp(
    engine: WhatIfEngine,
    target_change: float,
    settings: Settings | None = None,
    station: str = "Bordeaux",
    duration: float = 3 * 3600.0,
    samples: int = 12,
    spin_up: float = 0.0,
    initial: float = 100.0,
    iterations: int = 12,
    tolerance: float = 1e-4,
) -> InverseResult:
    """The kelp stem density (in ``settings.vegetation_area``) that changes the high water at
    ``station`` by ``target_change`` m (negative: lowers it), by Newton steps with the gradient
    ∂(high water)/∂(density) from ``jax.grad``, safeguarded by bisection within the slider's
    range (the change is assumed monotonic in the density).
    """
    settings = (settings or Settings()).replace(kelp_density=0.0)
    low, high = BOUNDS["kelp_density"][:2]
    if not math.isfinite(target_change):
        raise InputError(f"target_change must be a finite number (m), got {target_change!r}")
    model, _ = engine.model(settings)
    w = window(engine, model, station, duration, samples, spin_up, settings=settings)
    baseline = high_water(model, w)
    unit = engine.model(settings.replace(kelp_density=1.0))[0].params.drag  # per stem m⁻²
    density, history = float(initial), []
    below, above = low, high  # the bracket (the change is 0 at ``low`` = no stems)
    for _ in range(iterations):
        with model.precision():
            drag = eqx.tree_at(lambda d: d.frontal_area, unit, unit.frontal_area * density)
            params = eqx.tree_at(lambda p: p.drag, model.params, drag)
            value, grads, _ = high_water_and_gradient(model, w, params)
            slope = float(jnp.sum(grads.drag.frontal_area * unit.frontal_area))
        change = value - baseline
        history.append((density, change))
        miss = change - target_change
        if abs(miss) < tolerance:
            break
        # The change is 0 at no vegetation: the root lies where the miss changes sign.
        if (miss > 0) == (-target_change > 0):
            below = density
        else:
            above = density
        newton = density - miss / slope if slope != 0.0 else math.nan
        # A Newton step on the gradient, or bisection when it leaves the bracket.
        density = newton if below < newton < above else 0.5 * (below + above)
    else:
        raise InputError(
            f"no stem density within [{low:g}, {high:g}] stems m-2 found that changes the high "
            f"water at {station} by {target_change:+.4f} m in {iterations} iterations "
            f"(last: {change:+.4f} m at {history[-1][0]:g})"
        )
    return InverseResult(history[-1][0], change, float(target_change), tuple(history))


__all__ = [
    "InverseResult",
    "Window",
    "high_water",
    "high_water_and_gradient",
    "inverse_kelp",
    "sensitivity",
    "vegetation",
    "window",
]
