"""The hydrodynamic step with tracers riding on its fluxes (salinity, suspended sediment).

One step of Δt (Strang splitting of the bed exchange around the SSP-RK2 transport step):

    m ← S(Δt/2; τ_b(Uⁿ)) m                        (sediment exchange, exact, :mod:`sediment`)
    U⁽¹⁾, m⁽¹⁾ = stage(U, m)     with the mass fluxes F(U)   of the stage that gives U⁽¹⁾
    U⁽²⁾, m⁽²⁾ = stage(U⁽¹⁾, m⁽¹⁾) with the mass fluxes F(U⁽¹⁾)
    Uⁿ⁺¹ = (U + U⁽²⁾)/2,  mⁿ⁺¹ = (m + m⁽²⁾)/2
    m ← S(Δt/2; τ_b(Uⁿ⁺¹)) m

The hydrodynamic part is :func:`twinbench.core.stepping.step` itself (same stages, same
results); each tracer stage is :func:`~twinbench.core.transport.transport_stage` on that
stage's mass fluxes. Convex combinations of non-negative contents stay non-negative, and the
splitting keeps second order where the exchange is smooth.
"""

from __future__ import annotations

import math

import equinox as eqx
import jax
import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Float

from twinbench.core import sediment as sed
from twinbench.core import stepping
from twinbench.core.terms import tendency
from twinbench.core.transport import (
    FaceFluxes,
    Transport,
    concentration,
    diffusive_rate,
    transport_stage,
)
from twinbench.core.types import Grid, Params, State


class Tracers(eqx.Module):
    """Tracer state: content ``h c`` per tracer, and net deposition (kg m⁻²) per sediment."""

    content: dict[str, Float[Array, "ny nx"]]
    deposited: dict[str, Float[Array, "ny nx"]]


class TracerParams(eqx.Module):
    """Transport settings per tracer; bed-exchange parameters for the sediment tracers."""

    transport: dict[str, Transport]
    sediment: dict[str, sed.Sediment]


def initial_tracers(
    state: State, concentrations: dict[str, Array], tracer_params: TracerParams
) -> Tracers:
    """Tracers from concentrations (tracer units) in the water of ``state``."""
    content = {k: state.h * jnp.asarray(c, state.h.dtype) for k, c in concentrations.items()}
    deposited = {k: jnp.zeros_like(state.h) for k in tracer_params.sediment}
    return Tracers(content, deposited)


def concentrations(
    state: State, tracers: Tracers, params: Params
) -> dict[str, Float[Array, "ny nx"]]:
    """Concentrations c = m/h (0 in dry cells)."""
    return {k: concentration(m, state.h, params.dry_depth) for k, m in tracers.content.items()}


def tracer_mass(tracers: Tracers, grid: Grid, params: Params | None = None) -> dict[str, Array]:
    """Σ (suspended content + net deposition) × wet cell area per tracer (e.g. kg); the wet
    area is the cell's times its porosity when ``params`` has one."""
    phi = 1.0 if params is None or params.porosity is None else params.porosity.cell

    def total(k, m):
        held = m + tracers.deposited[k] if k in tracers.deposited else m
        return jnp.sum(phi * held) * grid.cell_area

    return {k: total(k, m) for k, m in tracers.content.items()}


def _exchange(state: State, tracers: Tracers, params: Params, tp: TracerParams, dt) -> Tracers:
    if not tp.sediment:
        return tracers
    tau_b = sed.bed_shear_stress(state, params)
    content, deposited = dict(tracers.content), dict(tracers.deposited)
    for name, sediment in tp.sediment.items():
        content[name], deposited[name] = sed.exchange(
            content[name], deposited[name], state.h, tau_b, sediment, dt, params.dry_depth
        )
    return Tracers(content, deposited)


def _transport(before: State, content: dict, params: Params, tp: TracerParams, grid, dt, tend):
    """One SSP-RK2 stage of every tracer on the mass fluxes of the flow stage from ``before``,
    those its tendency ``tend`` computed (:attr:`~twinbench.core.terms.Tendency.mass`)."""
    fluxes = FaceFluxes(*tend.mass)
    return {
        k: transport_stage(
            before.h,
            fluxes,
            m,
            tp.transport[k],
            grid,
            dt,
            before.t,
            params.dry_depth,
            params.porosity,
        )
        for k, m in content.items()
    }


def _step(state, tracers, params, tp, grid, dt):
    tracers = _exchange(state, tracers, params, tp, 0.5 * dt)
    rates = tendency(state, params, grid)
    first = stepping._stage(state, params, grid, dt, rates=rates)
    content1 = _transport(state, tracers.content, params, tp, grid, dt, rates)
    rates = tendency(first, params, grid)
    second = stepping._stage(first, params, grid, dt, rates=rates)
    content2 = _transport(first, content1, params, tp, grid, dt, rates)
    new = stepping._combine(state, second, dt)
    content = {k: 0.5 * (tracers.content[k] + content2[k]) for k in content2}
    tracers = _exchange(new, Tracers(content, tracers.deposited), params, tp, 0.5 * dt)
    return new, tracers


def step_with_tracers(
    state: State, tracers: Tracers, params: Params, tracer_params: TracerParams, grid: Grid, dt
) -> tuple[State, Tracers]:
    """Advance the flow exactly as :func:`~twinbench.core.stepping.step` and the tracers on the
    same stages' mass fluxes, by ``dt`` s."""
    return _step(state, tracers, params, tracer_params, grid, jnp.asarray(dt, state.h.dtype))


def stable_dt_with_tracers(
    state: State, params: Params, tracer_params: TracerParams, grid: Grid
) -> Array:
    """The CFL step (s) including the explicit tracer diffusion, capped by ``max_dt``."""
    rate = jnp.max(tendency(state, params, grid).rate)
    rate = rate + diffusive_rate(list(tracer_params.transport.values()), grid, params.porosity)
    return jnp.minimum(params.cfl / jnp.maximum(rate, 1e-30), params.max_dt)


def run_with_tracers(
    state: State,
    tracers: Tracers,
    params: Params,
    tracer_params: TracerParams,
    grid: Grid,
    dt: float | Array,
    n_steps: int,
    checkpoints: int | None = None,
) -> tuple[State, Tracers]:
    """``n_steps`` fixed steps of ``dt``: differentiable (``jax.grad`` with two-level
    checkpointing, ``checkpoints`` stored states, √n_steps by default) and ``jax.vmap``-able."""
    dt = jnp.asarray(dt, state.h.dtype)
    if n_steps == 0:
        return state, tracers

    def one(carry, _):
        return _step(*carry[:2], params, tracer_params, grid, dt), None

    outer = checkpoints or max(1, round(math.sqrt(n_steps)))
    inner, remainder = divmod(n_steps, outer)

    @jax.checkpoint
    def block(carry, _):
        return lax.scan(jax.checkpoint(one), carry, None, length=inner)[0], None

    carry = (state, tracers)
    if inner > 0:
        carry = lax.scan(block, carry, None, length=outer)[0]
    if remainder:
        carry = lax.scan(jax.checkpoint(one), carry, None, length=remainder)[0]
    return carry


def _adaptive_step(state, tracers, params, tp, grid, t_end):
    """One step of :func:`_step` with Δt from the CFL and diffusion limits of ``state``.

    As in :func:`twinbench.core.stepping._adaptive_step`, the two stages are a two-trip loop
    (XLA:CPU would otherwise recompute the first stage, flow and tracers, inside every consumer
    of the second: 2.3–4× slower, docs/performance.md). The first trip sets Δt from its own
    tendency and applies the first half of the bed exchange; the second reuses Δt.
    """
    diffusive = (
        diffusive_rate(list(tp.transport.values()), grid, params.porosity) if tp.transport else 0.0
    )

    n = params.stages  # SSPRK(n,2): n stages of Δt/(n − 1), as the flow's adaptive step

    def trip(carry, first_trip):
        s, content, deposited, start, dt = carry
        tend = tendency(s, params, grid)
        dt = stepping.first_trip_dt(first_trip, dt, tend.rate, s, params, t_end, diffusive)
        if tp.sediment:  # m ← S(Δt/2; τ_b(Uⁿ)) m before the first stage only

            def exchange():
                exchanged = _exchange(s, Tracers(content, deposited), params, tp, 0.5 * dt)
                return exchanged.content, exchanged.deposited, exchanged.content

            kept = (content, deposited, start)
            content, deposited, start = lax.cond(first_trip, exchange, lambda: kept)
        new = stepping._stage(s, params, grid, dt / (n - 1), rates=tend)
        content = _transport(s, content, params, tp, grid, dt / (n - 1), tend)
        return (new, content, deposited, start, dt), None

    zero = jnp.zeros((), state.h.dtype)
    init = (state, tracers.content, tracers.deposited, tracers.content, zero)
    trips = jnp.arange(n) == 0
    (last, content_n, deposited, start, dt), _ = lax.scan(trip, init, trips)
    new = stepping.ssp_combine(state, last, dt, n)
    content = {k: (start[k] + (n - 1.0) * content_n[k]) / n for k in content_n}
    tracers = _exchange(new, Tracers(content, deposited), params, tp, 0.5 * dt)
    t_new = jnp.where(t_end - new.t <= 1e-12 * jnp.maximum(jnp.abs(t_end), 1.0), t_end, new.t)
    return eqx.tree_at(lambda s: s.t, new, t_new), tracers, dt


def _finite(tree) -> Array:
    leaves = jax.tree.leaves(tree)
    return jnp.all(jnp.stack([jnp.isfinite(a).all() for a in leaves]))


def advance_with_tracers_to(state, tracers, params, tp, grid, t_end, max_steps, status):
    """Adaptive steps until ``t_end`` (as :func:`~twinbench.core.stepping.advance_to`)."""

    def cond(carry):
        s, _, n, status = carry
        return (s.t < t_end) & (n < max_steps) & (status == stepping.OK)

    def body(carry):
        s, tr, n, _ = carry
        new, new_tr, dt = _adaptive_step(s, tr, params, tp, grid, t_end)
        # An unlimited bed keeps an infinite erodible mass in the params, never in the state.
        finite = _finite((new.h, new.hu, new.hv, new_tr)) & jnp.isfinite(dt)
        kept = jax.tree.map(lambda a, b: jnp.where(finite, a, b), (new, new_tr), (s, tr))
        status = jnp.where(finite, stepping.OK, stepping.NOT_FINITE).astype(jnp.int32)
        return *kept, n + 1, status

    init = (state, tracers, jnp.int32(0), jnp.asarray(status, jnp.int32))
    s, tr, n, status = lax.while_loop(cond, body, init)
    status = jnp.where((status == stepping.OK) & (s.t < t_end), stepping.STALLED, status)
    return s, tr, n, status


@eqx.filter_jit
def history_with_tracers(
    state: State,
    tracers: Tracers,
    params: Params,
    tracer_params: TracerParams,
    grid: Grid,
    out_times: Array,
    max_steps: int,
) -> tuple[State, Tracers, Array, Array]:
    """States and tracers at every time of ``out_times`` (the first is the input itself), the
    steps per interval and a status code, as :func:`~twinbench.core.stepping.history`."""

    def segment(carry, t_next):
        s, tr, status = carry
        new, new_tr, n, status = advance_with_tracers_to(
            s, tr, params, tracer_params, grid, t_next, max_steps, status
        )
        return (new, new_tr, status), (new, new_tr, n)

    init = (state, tracers, jnp.int32(stepping.OK))
    (_, _, status), (states, stacked_tracers, steps) = lax.scan(segment, init, out_times[1:])
    join = lambda a, b: jnp.concatenate([a[None], b])  # noqa: E731
    return (
        jax.tree.map(join, state, states),
        jax.tree.map(join, tracers, stacked_tracers),
        steps,
        status,
    )
