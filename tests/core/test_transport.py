"""Tracer transport on the engine's fluxes: the pieces, the coupling, gradients and batching."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench import core
from twinbench.core import sediment as sed
from twinbench.core import tracer_stepping as ts
from twinbench.core import transport as tr
from twinbench.io import build, inputs


def _model(ds, boundaries, physics=None, dtype=jnp.float64):
    grid_in = inputs.parse_inputs(ds)
    phys = inputs.parse_physics(physics, grid_in)
    bounds = inputs.parse_boundaries(boundaries, grid_in)
    return build.build(grid_in, phys, bounds, None, dtype)


OPEN_BASIN = {
    "west": {"type": "level", "value": 0.3},
    "south": {"type": "discharge", "value": 0.2},
    "east": {"type": "open"},
}


@pytest.mark.parametrize("banks", ["hydrostatic", "wall"])
def test_face_mass_fluxes_are_those_of_the_depth_tendency(basin, banks):
    with jax.enable_x64(True):
        physics = {"friction": {"law": "manning", "coefficient": 0.03}, "banks": banks}
        grid, params, state = _model(basin, OPEN_BASIN, physics)
        state = core.run(state, params, grid, 0.5 * float(core.stable_dt(state, params, grid)), 20)
        fluxes = tr.face_mass_fluxes(state, params, grid)
        dh = -(fluxes.x[:, 1:] - fluxes.x[:, :-1]) / grid.dx
        dh = dh - (fluxes.y[1:] - fluxes.y[:-1]) / grid.dy
        tend = core.tendency(state, params, grid)
        expected = tend.dh
        # The tendency hands the same fluxes to the tracers (computed once per stage).
        np.testing.assert_array_equal(tend.mass[0], fluxes.x)
        np.testing.assert_array_equal(tend.mass[1], fluxes.y)
        assert fluxes.x.shape == (grid.ny, grid.nx + 1)
        assert fluxes.y.shape == (grid.ny + 1, grid.nx)
        np.testing.assert_allclose(
            dh, expected, rtol=0, atol=1e-14 * float(jnp.abs(expected).max())
        )
        # The south discharge enters exactly, walls pass nothing.
        np.testing.assert_array_equal(fluxes.y[0], 0.2)
        np.testing.assert_array_equal(fluxes.y[-1], 0.0)


def test_step_with_tracers_advances_the_flow_exactly_as_step(basin):
    with jax.enable_x64(True):
        grid, params, state = _model(
            basin, OPEN_BASIN, {"friction": {"law": "manning", "coefficient": 0.03}}
        )
        tp = ts.TracerParams({"salinity": tr.Transport(jnp.asarray(5.0))}, {})
        tracers = ts.initial_tracers(state, {"salinity": 30.0}, tp)
        dt = 0.8 * float(core.stable_dt(state, params, grid))
        a, b = state, state
        with_tracers = jax.jit(lambda s, t: ts.step_with_tracers(s, t, params, tp, grid, dt))
        plain = jax.jit(lambda s: core.step(s, params, grid, dt))
        for _ in range(10):
            a, tracers = with_tracers(a, tracers)
            b = plain(b)
        for name in ("h", "hu", "hv", "t"):
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-13, atol=1e-13)


def test_transport_stage_by_hand():
    """Three cells, uniform mass flux q > 0 from the west side carrying c = 5."""
    with jax.enable_x64(True):
        grid = core.Grid(nx=3, ny=1, dx=10.0, dy=10.0)
        h = jnp.full((1, 3), 2.0)
        c = jnp.array([[1.0, 2.0, 3.0]])
        q, dt = 0.5, 4.0
        fluxes = tr.FaceFluxes(jnp.full((1, 4), q), jnp.zeros((2, 3)))
        west = tr.constant_inflow(5.0, mixing=False)
        transport = tr.Transport(jnp.asarray(0.0), tr.TracerBoundaries(west=west))
        new = tr.transport_stage(h, fluxes, h * c, transport, grid, dt, jnp.asarray(0.0), 1e-6)
        # Upwind face values: 5 (the side), 1 (cell 0, zero slope at the edge), 2 + 1/2 (cell 1,
        # van Leer slope 1), 3 (cell 2).
        face = np.array([5.0, 1.0, 2.5, 3.0])
        expected = 2.0 * np.array([1.0, 2.0, 3.0]) - dt * q * np.diff(face) / 10.0
        np.testing.assert_allclose(new[0], expected, rtol=1e-15)
        # With diffusion K: − K h Δc/Δx at the two inner faces (and none at the river side).
        transport = tr.Transport(jnp.asarray(3.0), tr.TracerBoundaries(west=west))
        new_k = tr.transport_stage(h, fluxes, h * c, transport, grid, dt, jnp.asarray(0.0), 1e-6)
        diffusive = np.array([0.0, -3.0 * 2.0 * 0.1, -3.0 * 2.0 * 0.1, 0.0])
        np.testing.assert_allclose(new_k[0], expected - dt * np.diff(diffusive) / 10.0, rtol=1e-15)


def test_transport_stage_never_takes_more_than_a_cell_holds():
    """A step far beyond the stable one: the outflow is scaled, contents stay ≥ 0, Σ kept."""
    with jax.enable_x64(True):
        grid = core.Grid(nx=4, ny=3, dx=1.0, dy=1.0)
        h = jnp.full((3, 4), 0.1)
        content = h * jnp.array([[0.0, 1.0, 5.0, 0.0]] * 3)
        key = jax.random.PRNGKey(0)
        fx = jax.random.normal(key, (3, 5)).at[:, 0].set(0.0).at[:, -1].set(0.0)
        fy = jax.random.normal(jax.random.PRNGKey(1), (4, 4)).at[0].set(0.0).at[-1].set(0.0)
        transport = tr.Transport(jnp.asarray(2.0))
        new = tr.transport_stage(
            h, tr.FaceFluxes(fx, fy), content, transport, grid, 10.0, jnp.asarray(0.0), 1e-6
        )
        assert float(new.min()) >= 0.0
        np.testing.assert_allclose(new.sum(), content.sum(), rtol=1e-14)


def test_exchange_is_exact_conservative_and_limited_by_the_bed():
    with jax.enable_x64(True):
        h = jnp.array([2.0, 2.0, 1e-3, 1e-8])
        content = jnp.array([0.2, 0.0, 0.01, 1e-9])
        deposited = jnp.zeros(4)
        tau = jnp.array([0.0, 2.0, 0.5, 0.0])
        sediment = sed.Sediment(
            jnp.asarray(1e-3), jnp.asarray(1.0), jnp.asarray(0.2), jnp.asarray(1e-3),
            jnp.array([10.0, 0.05, 10.0, 10.0]),
        )  # fmt: skip
        m, d = sed.exchange(content, deposited, h, tau, sediment, 100.0, 1e-6)
        np.testing.assert_allclose(m + d, content + deposited, rtol=1e-15, atol=1e-18)
        # Still water: pure settling, exactly exponential.
        np.testing.assert_allclose(m[0], 0.2 * np.exp(-1e-3 * 100.0 / 2.0), rtol=1e-15)
        # E = 1e-3 (2/0.2 − 1) = 9e-3 kg m⁻² s⁻¹ would take 0.9 kg m⁻²: the bed holds 0.05.
        np.testing.assert_allclose(m[1], 0.05, rtol=1e-15)
        np.testing.assert_allclose(d[1], -0.05, rtol=1e-15)
        # A dry cell deposits what it holds.
        assert float(m[3]) == 0.0 and float(d[3]) == 1e-9
        assert float(m.min()) >= 0.0
        unlimited = sed.Sediment(*jax.tree.leaves(sediment)[:4], jnp.asarray(jnp.inf))
        m, d = sed.exchange(content, deposited, h, tau, unlimited, 100.0, 1e-6)
        assert np.isfinite(np.asarray(m)).all() and np.isfinite(np.asarray(d)).all()


def _smooth_problem():
    """A 1-D channel with a decelerating current over a muddy bed and a monotone salinity front."""
    nx = 24
    dx = 50.0
    grid = core.Grid(nx=nx, ny=1, dx=dx, dy=dx)
    x = (np.arange(nx) + 0.5) * dx
    b = core.Boundaries(west=core.Open(), east=core.Open())
    params = core.default_params(
        jnp.full((1, nx), -2.0), boundaries=b, friction=core.Manning(jnp.full((1, nx), 0.03))
    )
    h = jnp.full((1, nx), 2.0)
    state = core.State(h, 1.2 * h, 0 * h, jnp.asarray(0.0))
    tp = ts.TracerParams(
        {
            "salinity": tr.Transport(jnp.asarray(4.0)),
            "sediment": tr.Transport(jnp.asarray(2.0)),
        },
        {
            "sediment": sed.Sediment(
                jnp.asarray(1e-3),
                jnp.asarray(jnp.inf),
                jnp.asarray(0.5),
                jnp.asarray(2e-4),
                jnp.asarray(5.0),
            )
        },
    )
    salinity = 20.0 + 10.0 * np.tanh((x - 600.0) / 200.0)[None]
    tracers = ts.initial_tracers(state, {"salinity": salinity, "sediment": 0.05}, tp)
    return grid, params, state, tp, tracers


def _same_five_steps(adaptive, reference, state, tracers):
    """Five steps of both forms agree to round-off (time, flow, tracers); the reference's
    tracers are returned."""
    a_state, a_tracers = state, tracers
    b_state, b_tracers = state, tracers
    for _ in range(5):
        a_state, a_tracers = adaptive(a_state, a_tracers)
        b_state, b_tracers = reference(b_state, b_tracers)
    assert float(a_state.t) == pytest.approx(float(b_state.t), rel=1e-14)
    for name in ("h", "hu"):
        np.testing.assert_allclose(getattr(a_state, name), getattr(b_state, name), rtol=1e-13)
    for tree in ("content", "deposited"):
        for k, v in getattr(b_tracers, tree).items():
            np.testing.assert_allclose(getattr(a_tracers, tree)[k], v, rtol=1e-12, atol=1e-15)
    return b_tracers


def test_adaptive_step_is_the_straight_line_step_with_the_cfl_step():
    """The simulate path's two-trip loop (Δt and the first half of the bed exchange set on the
    first trip) gives the straight-line :func:`_step` with the same Δt, to round-off."""
    with jax.enable_x64(True):
        grid, params, state, tp, tracers = _smooth_problem()
        diffusive = tr.diffusive_rate(list(tp.transport.values()), grid, params.porosity)
        cfl_step = lambda s: params.cfl / (jnp.max(core.tendency(s, params, grid).rate) + diffusive)  # noqa: E731
        adaptive = jax.jit(lambda s, t: ts._adaptive_step(s, t, params, tp, grid, 1e9)[:2])
        straight = jax.jit(lambda s, t: ts._step(s, t, params, tp, grid, cfl_step(s)))
        b_tracers = _same_five_steps(adaptive, straight, state, tracers)
        # Not vacuous: the exchange moved mud between the bed and the water.
        assert float(jnp.abs(b_tracers.deposited["sediment"]).max()) > 1e-8


def test_gradient_matches_centred_differences():
    """∂/∂(K, M, w_s, τ_e, initial content) of a weighted sum of the final concentrations."""
    with jax.enable_x64(True):
        grid, params, state, tp, tracers = _smooth_problem()
        # One tracer (diffusing, eroding, settling): the gradient program compiles in seconds.
        tp = ts.TracerParams({"sediment": tp.transport["sediment"]}, tp.sediment)
        front = tracers.content["salinity"] * 2e-3
        dt = 0.5 * float(ts.stable_dt_with_tracers(state, params, tp, grid))
        weights = jnp.linspace(0.5, 1.5, grid.nx)[None]

        @jax.jit
        def loss(tp, front):
            tracers = ts.Tracers({"sediment": front}, {"sediment": jnp.zeros_like(front)})
            s, trc = ts.run_with_tracers(state, tracers, params, tp, grid, dt, 30)
            return jnp.sum(weights * ts.concentrations(s, trc, params)["sediment"])

        grads = jax.jit(jax.grad(loss, argnums=(0, 1)))(tp, front)
        leaves = {
            "diffusivity": lambda t: t.transport["sediment"].diffusivity,
            "erosion_rate": lambda t: t.sediment["sediment"].erosion_rate,
            "settling_velocity": lambda t: t.sediment["sediment"].settling_velocity,
            "critical_shear_erosion": lambda t: t.sediment["sediment"].critical_shear_erosion,
        }
        for name, where in leaves.items():
            value = float(where(tp))
            eps = 1e-5 * abs(value)
            plus = loss(eqx_set(tp, where, value + eps), front)
            minus = loss(eqx_set(tp, where, value - eps), front)
            fd = (plus - minus) / (2 * eps)
            grad = float(where(grads[0]))
            assert np.isfinite(grad), name
            np.testing.assert_allclose(grad, float(fd), rtol=1e-4, err_msg=name)
        cell = (0, 10)
        eps = 1e-6
        fd = (loss(tp, front.at[cell].add(eps)) - loss(tp, front.at[cell].add(-eps))) / (2 * eps)
        np.testing.assert_allclose(float(grads[1][cell]), float(fd), rtol=1e-4)


def eqx_set(tree, where, value):
    import equinox as eqx

    return eqx.tree_at(where, tree, jnp.asarray(value))


def test_vmap_over_erosion_rates_and_float32():
    with jax.enable_x64(True):
        grid, params, state, tp, tracers = _smooth_problem()
        dt = 0.5 * float(ts.stable_dt_with_tracers(state, params, tp, grid))

        @jax.jit
        def final_sediment(rate):
            p = eqx_set(tp, lambda t: t.sediment["sediment"].erosion_rate, rate)
            _, trc = ts.run_with_tracers(state, tracers, params, p, grid, dt, 20)
            return jnp.sum(trc.content["sediment"])

        rates = jnp.array([1e-4, 2e-4, 4e-4])
        batched = jax.vmap(final_sediment)(rates)
        one_by_one = jnp.stack([final_sediment(r) for r in rates])
        np.testing.assert_allclose(batched, one_by_one, rtol=1e-12)
        assert float(batched[2]) > float(batched[0])
        reference = final_sediment(rates[1])
    f32 = lambda a: a.astype(jnp.float32) if jnp.issubdtype(a.dtype, jnp.floating) else a  # noqa: E731
    grid, params, state, tp, tracers = jax.tree.map(f32, _smooth_problem())
    _, trc = ts.run_with_tracers(state, tracers, params, tp, grid, dt, 20)
    assert trc.content["sediment"].dtype == jnp.float32
    np.testing.assert_allclose(jnp.sum(trc.content["sediment"]), reference, rtol=1e-4)


@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_history_with_tracers_matches_history(basin, dtype):
    with jax.enable_x64(dtype == jnp.float64):
        grid, params, state = _model(basin, OPEN_BASIN, dtype=dtype)
        # The south discharge wets dry cells: it must bring the same water (c = 35) in.
        south = tr.TracerBoundaries(south=tr.constant_inflow(35.0, dtype, mixing=False))
        tp = ts.TracerParams({"salinity": tr.Transport(jnp.asarray(0.0, dtype), south)}, {})
        tracers = ts.initial_tracers(state, {"salinity": 35.0}, tp)
        times = jnp.asarray([0.0, 60.0, 120.0], dtype)
        a, trc, steps, status = ts.history_with_tracers(
            state, tracers, params, tp, grid, times, 10_000
        )
        b, steps_b, status_b = core.history(state, params, grid, times, 10_000)
        assert int(status) == int(status_b) == core.OK
        np.testing.assert_array_equal(steps, steps_b)
        tol = 1e-12 if dtype == jnp.float64 else 1e-5
        np.testing.assert_allclose(a.h, b.h, rtol=tol, atol=tol)
        c = ts.concentrations(
            jax.tree.map(lambda v: v[-1], a), jax.tree.map(lambda v: v[-1], trc), params
        )["salinity"]
        wet = a.h[-1] > params.dry_depth
        np.testing.assert_allclose(np.asarray(c)[np.asarray(wet)], 35.0, rtol=10 * tol)


def test_adaptive_step_with_four_stages_is_ssprk42_written_out():
    """``params.stages = 4``: the tracers ride on the flow's four stages of Δt/3 (Δt three CFL
    steps), uⁿ⁺¹ = uⁿ/4 + 3/4 u⁽⁴⁾ for water and tracers alike, between the two halves of the
    bed exchange — the same, to round-off, as that step written out here."""
    import dataclasses

    from twinbench.core import stepping

    with jax.enable_x64(True):
        grid, params, state, tp, tracers = _smooth_problem()
        params = dataclasses.replace(params, stages=4)
        diffusive = tr.diffusive_rate(list(tp.transport.values()), grid, params.porosity)

        def written_out(s0, t0):
            rate = jnp.max(core.tendency(s0, params, grid).rate) + diffusive
            dt = 3 * params.cfl / rate
            t0 = ts._exchange(s0, t0, params, tp, 0.5 * dt)
            s, content = s0, t0.content
            for _ in range(4):
                rates = core.tendency(s, params, grid)
                content = ts._transport(s, content, params, tp, grid, dt / 3, rates)
                s = stepping._stage(s, params, grid, dt / 3, rates=rates)
            new = core.State(
                *(0.25 * getattr(s0, k) + 0.75 * getattr(s, k) for k in ("h", "hu", "hv")),
                s0.t + dt,
            )
            mixed = {k: 0.25 * t0.content[k] + 0.75 * content[k] for k in content}
            return new, ts._exchange(new, ts.Tracers(mixed, t0.deposited), params, tp, 0.5 * dt)

        adaptive = jax.jit(lambda s, t: ts._adaptive_step(s, t, params, tp, grid, 1e9)[:2])
        _same_five_steps(adaptive, jax.jit(written_out), state, tracers)
