"""Time stepping: SSP-RK2 with stiff-stable friction, CFL-limited steps, compiled loops.

One step of size Δt (Shu & Osher 1988), each stage with friction k (a = Δt k(U)):

    U⁽¹⁾ = S(U),  U⁽²⁾ = S(U⁽¹⁾),  Uⁿ⁺¹ = (U + U⁽²⁾) / 2
    S(U) = (h + Δt L_h,  (hU + (1 + a) Δt L_hU) / (1 + a + a²))

(see :func:`_apply_friction`: forward Euler to O(a³), so the step is second order, and stable
for any a).

Δt = cfl / max(Σ_axes wave speed / Δ + 2ν Σ 1/Δ²), from the wave speeds of the first stage's
face states (boundary states included), capped by ``max_dt`` and by the time left to the next
output. Loops are ``lax.while_loop`` (forward runs that land exactly on output times) or
``lax.scan`` with a fixed step and nested checkpointing (differentiable runs).
"""

from __future__ import annotations

import functools
import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jaxtyping import Array

from twinbench.core.terms import primitive, tendency
from twinbench.core.types import Grid, Params, State

# Status codes returned by the forward loops (checked outside the compiled program).
OK, NOT_FINITE, STALLED = 0, 1, 2


def _apply_friction(
    h: Array, hu: Array, hv: Array, params: Params, dt: Array, before: State
) -> tuple[Array, Array]:
    """Bed friction of a stage, second order in Δt and stable for any k; dry cells lose their
    momentum.

    With ``a = Δt k`` and the predicted discharge ``hU* = hU + Δt L`` (``hU`` that of the
    stage's input ``before``), the stage returns

        hU_new = ((1 + a) hU* − a hU) / (1 + a + a²) = (hU + (1 + a) Δt L) / (1 + a + a²),

    which is ``hU + Δt (L − k hU) + O(a³)``: a forward-Euler stage to third order, so that
    SSP-RK2's average stays second order with friction (the backward-Euler damping
    ``hU*/(1 + a)`` of each stage made it first order). Steady states ``L = k hU`` are kept
    exactly, whatever Δt; pure friction decays monotonically (``1/(1 + a + a²)``), and a stiff
    friction gives the balance ``k hU → L``. k takes the stage input's depth and speed (k(U),
    as forward Euler does), or the new depth in a cell that loses more than half its water in
    the stage (a drying front, where a thin layer must be stopped).
    """
    wet = h > params.dry_depth
    was_wet = before.h > params.dry_depth
    h_before = jnp.where(was_wet, before.h, 1.0)
    u = jnp.where(was_wet, before.hu / h_before, 0.0)
    v = jnp.where(was_wet, before.hv / h_before, 0.0)
    drying = h < 0.5 * before.h
    depth = jnp.where(wet & drying, h, jnp.where(was_wet, before.h, jnp.where(wet, h, 1.0)))
    k = params.friction.rate(depth, u, v, params.gravity)
    if params.drag is not None:  # canopy and pier drag join the coefficient
        k = k + params.drag.rate(depth, u, v)
    a = dt * k
    scale = jnp.where(wet, 1.0 / (1.0 + a * (1.0 + a)), 0.0)
    return (
        ((1.0 + a) * hu - a * before.hu) * scale,
        ((1.0 + a) * hv - a * before.hv) * scale,
    )


def _stage(state: State, params: Params, grid: Grid, dt: Array, rates=None):
    tend = tendency(state, params, grid) if rates is None else rates
    h = jnp.maximum(state.h + dt * tend.dh, 0.0)
    hu, hv = _apply_friction(
        h, state.hu + dt * tend.dhu, state.hv + dt * tend.dhv, params, dt, before=state
    )
    return State(h, hu, hv, state.t + dt)


def _combine(state: State, second: State, dt: Array) -> State:
    return State(
        0.5 * (state.h + second.h),
        0.5 * (state.hu + second.hu),
        0.5 * (state.hv + second.hv),
        state.t + dt,
    )


def _step_unrolled(state: State, params: Params, grid: Grid, dt: Array) -> State:
    first = _stage(state, params, grid, dt)
    return _combine(state, _stage(first, params, grid, dt), dt)


@functools.partial(jax.custom_jvp, nondiff_argnums=(2,))
def step(state: State, params: Params, grid: Grid, dt: Array) -> State:
    """Advance ``state`` by exactly ``dt`` seconds (one SSP-RK2 step)."""

    # The two stages run as a two-trip loop: the loop carry makes XLA store the first stage's
    # state once, instead of fusing (and recomputing) it into each of the second stage's many
    # consumers — 1.4–4× faster per step on CPU (docs/performance.md). Derivatives are those of
    # the straight-line step (below): at the scheme's kinks the round-off of either form may
    # pick a different one-sided derivative, and the hand adjoint mirrors the straight form.
    def stage(s: State, _) -> tuple[State, None]:
        return _stage(s, params, grid, dt), None

    second, _ = lax.scan(stage, state, None, length=2)
    return _combine(state, second, dt)


@step.defjvp
def _step_jvp(grid, primals, tangents):
    return jax.jvp(lambda s, p, d: _step_unrolled(s, p, grid, d), primals, tangents)


@eqx.filter_jit  # compiled once per grid: op by op it compiled ~170 small programs per grid
def stable_dt(state: State, params: Params, grid: Grid) -> Array:
    """The CFL-limited step for ``state`` (s), capped by ``params.max_dt``."""
    rate = jnp.max(tendency(state, params, grid).rate)
    return jnp.minimum(params.cfl / jnp.maximum(rate, 1e-30), params.max_dt)


def ssp_combine(state: State, last: State, dt: Array, stages: int) -> State:
    """SSPRK(s,2)'s last line: ``uⁿ/s + (s − 1)/s · u⁽ˢ⁾`` at ``tⁿ + Δt`` (s = 2: Heun's)."""
    keep, move = 1.0 / stages, (stages - 1.0) / stages
    return State(
        keep * state.h + move * last.h,
        keep * state.hu + move * last.hu,
        keep * state.hv + move * last.hv,
        state.t + dt,
    )


def first_trip_dt(
    first_trip: Array,
    dt: Array,
    rate: Array,
    state: State,
    params: Params,
    t_end: Array,
    extra_rate: Array | float = 0.0,
) -> Array:
    """Δt of an SSPRK(s,2) step, set on the stage loop's first trip and kept on the others:
    s − 1 CFL steps from the per-cell ``rate`` (wave speeds over spacings, plus ``extra_rate``),
    capped by ``max_dt`` and the time left to ``t_end``.

    A ``lax.cond``, not a select: XLA:CPU evaluates both sides of a select, and the global
    maximum of the rate on every trip cost 15 % of a 5-stage step at 500 m (docs/performance.md).
    """

    def limit() -> Array:
        cfl_dt = (params.stages - 1) * params.cfl / jnp.maximum(jnp.max(rate) + extra_rate, 1e-30)
        return jnp.minimum(jnp.minimum(cfl_dt, params.max_dt), t_end - state.t).astype(dt.dtype)

    return lax.cond(first_trip, limit, lambda: dt)


def _adaptive_step(state: State, params: Params, grid: Grid, t_end: Array):
    # SSPRK(s,2) with s = params.stages (s = 2: SSP-RK2, as `step`): s forward-Euler stages of
    # Δt/(s − 1), then uⁿ⁺¹ = uⁿ/s + (s − 1)/s · u⁽ˢ⁾ (Ketcheson 2008, SIAM J. Sci. Comput.
    # 30:2113). Each stage keeps the CFL limit, so Δt is s − 1 times it: (s − 1)/s of a step's
    # work per CFL step against ½ for SSP-RK2. As in `step`, the stages are a loop (XLA:CPU
    # would otherwise recompute each stage inside every consumer of the next); the first trip
    # also sets Δt from its own tendency's wave speeds, the others reuse it.
    n = params.stages

    def stage(carry, first_trip):
        s, dt = carry
        tend = tendency(s, params, grid)
        dt = first_trip_dt(first_trip, dt, tend.rate, s, params, t_end)
        return (_stage(s, params, grid, dt / (n - 1), rates=tend), dt), None

    trips = jnp.arange(n) == 0
    (last, dt), _ = lax.scan(stage, (state, jnp.zeros((), state.h.dtype)), trips)
    new = ssp_combine(state, last, dt, n)
    # Land exactly on t_end despite rounding in the sum of steps.
    t_new = jnp.where(t_end - new.t <= 1e-12 * jnp.maximum(jnp.abs(t_end), 1.0), t_end, new.t)
    return eqx.tree_at(lambda s: s.t, new, t_new), dt


def advance_to(
    state: State, params: Params, grid: Grid, t_end: Array, max_steps: int, status: Array = OK
) -> tuple[State, Array, Array]:
    """Adaptive steps until ``t_end``; returns the state, the step count and a status code.

    A ``status`` other than ``OK`` on entry (an earlier interval failed) takes no step.
    """

    def cond(carry):
        s, n, status = carry
        return (s.t < t_end) & (n < max_steps) & (status == OK)

    def body(carry):
        s, n, _ = carry
        new, dt = _adaptive_step(s, params, grid, t_end)
        finite = jnp.isfinite(new.h).all() & jnp.isfinite(new.hu).all() & jnp.isfinite(dt)
        finite = finite & jnp.isfinite(new.hv).all()
        # A non-finite step is not taken: the last good state is kept and the run flagged.
        kept = jax.tree.map(lambda a, b: jnp.where(finite, a, b), new, s)
        return kept, n + 1, jnp.where(finite, OK, NOT_FINITE).astype(jnp.int32)

    init = (state, jnp.int32(0), jnp.asarray(status, jnp.int32))
    s, n, status = lax.while_loop(cond, body, init)
    status = jnp.where((status == OK) & (s.t < t_end), STALLED, status)
    return s, n, status


def failure(status: int, reached: Array, out_times: Array) -> str:
    """What went wrong in a :func:`history` run, in words (``""`` when ``status`` is ``OK``).

    ``reached`` are the stacked states' times: after a failure they stay at the last good
    state's time, so the first one short of its output time names the interval that failed.
    """
    status = int(status)
    if status == OK:
        return ""
    reached = np.asarray(reached)
    wanted = np.asarray(out_times, reached.dtype)
    short = np.flatnonzero(reached < wanted)
    k = int(short[0]) if short.size else wanted.size - 1
    when = f"after t = {float(reached[k]):g} s, before the output at t = {float(wanted[k]):g} s"
    if status == NOT_FINITE:
        return f"the run became unstable (non-finite values) {when}"
    return f"the run stalled (the stable time step collapsed) {when}"


@eqx.filter_jit
def history(
    state: State, params: Params, grid: Grid, out_times: Array, max_steps: int
) -> tuple[State, Array, Array]:
    """States at every time of ``out_times`` (the first is ``state`` itself).

    Returns the stacked states, the number of steps taken per interval and a status code
    (``OK``, ``NOT_FINITE`` or ``STALLED``, of the first failure). After a failure no further
    step is taken: the states from there on are the last good one, whose time ``t`` falls
    short of its output time.
    """

    def segment(carry, t_next):
        s, status = carry
        new, n, status = advance_to(s, params, grid, t_next, max_steps, status)
        return (new, status), (new, n)

    (_, status), (states, steps) = lax.scan(segment, (state, jnp.int32(OK)), out_times[1:])
    stacked = jax.tree.map(lambda a, b: jnp.concatenate([a[None], b]), state, states)
    return stacked, steps, status


def run(
    state: State,
    params: Params,
    grid: Grid,
    dt: float | Array,
    n_steps: int,
    checkpoints: int | None = None,
    adjoint: str = "hand",
    memory_budget: float | None = None,
) -> State:
    """``n_steps`` fixed steps of ``dt`` s: the differentiable path (``jax.grad``, ``jax.vmap``).

    Reverse mode (``adjoint="hand"``, the default) uses the hand-written step adjoint of
    :mod:`twinbench.core.adjoint`: the forward pass stores the input of every step while they
    fit in ``memory_budget`` bytes (default 512 MiB), else one state every few steps, whose
    segments are recomputed. ``checkpoints`` fixes the number of stored states instead.
    ``adjoint="autodiff"`` is plain ``jax.grad`` with two-level checkpointing (``checkpoints``
    states, √n_steps by default): slower to compile and to run, kept as a reference.
    ``dt`` must respect the CFL limit: see :func:`stable_dt`.
    """
    if adjoint not in ("hand", "autodiff"):
        raise ValueError(f"adjoint must be 'hand' or 'autodiff', got {adjoint!r}")
    dt = jnp.asarray(dt, state.h.dtype)
    if n_steps == 0:
        return state
    return _run(state, params, grid, dt, n_steps, checkpoints, adjoint, memory_budget)


# Compiled once per grid, step count and checkpointing (static); called op by op, the loop was
# traced and compiled again at every call, since its closure holds the traced inputs.
@eqx.filter_jit
def _run(state, params, grid, dt, n_steps, checkpoints, adjoint, memory_budget):
    if adjoint == "hand":
        from twinbench.core import adjoint as hand

        if checkpoints:
            segment = max(1, n_steps // checkpoints)
        else:
            state_bytes = 3 * state.h.size * state.h.dtype.itemsize
            budget = hand.DEFAULT_MEMORY_BUDGET if memory_budget is None else memory_budget
            segment = hand.segment_length(n_steps, state_bytes, budget)
        return hand.run(state, params, grid, dt, n_steps, segment)
    outer = checkpoints or max(1, round(math.sqrt(n_steps)))
    inner, remainder = divmod(n_steps, outer)

    def one(s, _):
        return step(s, params, grid, dt), None

    @jax.checkpoint
    def block(s, _):
        return lax.scan(jax.checkpoint(one), s, None, length=inner)[0], None

    if inner > 0:
        state = lax.scan(block, state, None, length=outer)[0]
    if remainder:
        state = lax.scan(jax.checkpoint(one), state, None, length=remainder)[0]
    return state


def volume(state: State, grid: Grid, params: Params | None = None) -> Array:
    """Water volume (m³): Σ h × cell area, times each cell's porosity when ``params`` has one."""
    if params is not None and params.porosity is not None:
        return jnp.sum(params.porosity.cell * state.h) * grid.cell_area
    return jnp.sum(state.h) * grid.cell_area


def free_surface(state: State, params: Params) -> Array:
    """η = h + z (m); the bed level where dry."""
    return primitive(state, params).eta
