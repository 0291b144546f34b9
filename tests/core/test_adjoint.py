"""The hand-written adjoint (twinbench.core.adjoint) against reverse-mode autodiff of the step.

Every cotangent — of the state (h, hu, hv, t), of every params leaf and of dt — must equal
``jax.vjp`` of the plain :func:`core.step` to round-off (float64), on cases with bathymetry,
wet and dry cells, flow in both directions, every friction law and boundary type, forcing,
and one-cell-wide grids. The run-level gradient must equal the autodiff path's.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench import core
from twinbench.core import adjoint
from twinbench.core.boundaries import _inflow_depth

# Each check runs the engine inside jitted functions: op by op, one step and its adjoint
# compile several hundred small programs per grid shape, which took most of this file's time.
# The autodiff references (``jax.vjp`` of the whole step: ≈ 5× the HLO of the forward) are
# compiled with XLA:CPU's quick settings — the loop emitters instead of the fusion emitters and
# LLVM at -O0 — which cut their compilation 3× (25 → 8 s for one step) and run the same IEEE
# arithmetic; the engine's own programs (forward, hand adjoint) compile as shipped.
QUICK_COMPILE = {"xla_cpu_use_fusion_emitters": False, "xla_backend_optimization_level": 0}


def quick_jit(fun, static_argnums=()):
    """``jax.jit(fun)`` compiled with :data:`QUICK_COMPILE`, for reference computations (with
    the default settings if this XLA no longer knows an option: slower, the same results)."""
    jitted = jax.jit(fun, static_argnums=static_argnums)

    def call(*args):
        lowered = jitted.lower(*args)
        try:
            compiled = lowered.compile(QUICK_COMPILE)
        except RuntimeError as error:  # INVALID_ARGUMENT: No such compile option
            if "compile option" not in str(error):
                raise
            compiled = lowered.compile()
        return compiled(*(a for i, a in enumerate(args) if i not in static_argnums))

    return call


def make_case(nx, ny, friction, sides, forcing=True, dx=50.0, banks="hydrostatic", square=False):
    x, y = (np.arange(nx) + 0.5) * dx, (np.arange(ny) + 0.5) * dx
    X, Y = np.meshgrid(x, y)
    depth = 3.0 + 1.5 * np.sin(X / 170.0) * np.cos(Y / 230.0)
    # An island: dry cells in the middle of the domain.
    depth -= 4.2 * np.exp(-(((X - 0.3 * nx * dx) ** 2 + (Y - 0.6 * ny * dx) ** 2)
                             / (0.15 * nx * dx) ** 2))  # fmt: skip
    if square:  # its coast along the grid's faces, where banks act as walls
        block = (np.abs(X - 0.3 * nx * dx) < 0.16 * nx * dx) & (
            np.abs(Y - 0.6 * ny * dx) < 0.2 * ny * dx
        )
        depth = np.where(block, np.minimum(depth, -1.0), depth)
    bed = -depth
    eta = 0.2 * np.exp(-(((X - 0.5 * nx * dx) ** 2 + (Y - 0.5 * ny * dx) ** 2) / 150.0**2))
    h = np.maximum(eta - bed, 0.0)
    u = 0.3 * np.sin(X / 120.0 + 0.3) + 0.05 * np.sin(Y / 90.0)  # both signs
    v = 0.2 * np.cos(X / 110.0) - 0.1  # both signs
    wet = h > 1e-3
    a = lambda z: jnp.asarray(z, jnp.float64)  # noqa: E731
    state = core.State(a(h), a(h * u * wet), a(h * v * wet), a(1.0))
    law = {
        "manning": lambda: core.Manning(a(0.03 + 0.005 * np.sin(X / 100.0))),
        "chezy": lambda: core.Chezy(a(50.0)),
        "darcy": lambda: core.DarcyWeisbach(a(0.02 + 0.001 * np.cos(Y / 70.0))),
        "linear": lambda: core.Linear(a(1e-3)),
        "none": lambda: core.NoFriction(),
    }[friction]()
    times = a([0.0, 5.0, 100.0])
    along = {"west": y[:, None], "east": y[:, None], "south": x[None, :], "north": x[None, :]}

    def side(name, kind):
        if kind == "wall":
            return core.Wall()
        if kind == "open":
            return core.Open()
        if kind == "level":  # varying along the side and in time
            return core.Level(times, a(np.array([0.1, 0.15, 0.05])[:, None, None]
                                       + 0.01 * np.sin(along[name] / 60.0)[None]))  # fmt: skip
        if kind == "inflow":  # subcritical inflow (Newton solve)
            return core.Discharge(times, a(np.array([0.4, 0.5, 0.3])[:, None, None]))
        if kind == "outflow":
            return core.Discharge(times, a(np.array([-0.2, -0.1, -0.3])[:, None, None]))
        if kind == "supercritical":
            return core.Discharge(times, a([[[0.6]], [[0.7]], [[0.5]]]), depth=a(0.1))
        raise ValueError(kind)

    boundaries = core.Boundaries(**{name: side(name, kind) for name, kind in sides.items()})
    surface = None
    if forcing:
        rng = np.random.RandomState(0)
        surface = core.SurfaceForcing(
            times,
            a(0.1 + 0.05 * rng.rand(3, ny, nx)),
            a(-0.05 + 0.02 * rng.rand(3, ny, nx)),
            a(101325.0 + 50.0 * np.sin(X / 300.0)[None] * np.array([1.0, 1.2, 0.8])[:, None, None]),
        )
    params = core.default_params(
        a(bed),
        friction=law,
        coriolis=a(1e-4 * (1.0 + 0.1 * np.cos(Y / 300.0))),
        viscosity=a(0.5),
        boundaries=boundaries,
        forcing=surface,
        banks=banks,
    )
    grid = core.Grid(nx=nx, ny=ny, dx=dx, dy=dx)
    return grid, params, state


CASES = {
    "manning-level-open-inflow-outflow-forcing": dict(
        nx=16, ny=12, friction="manning",
        sides=dict(west="level", east="open", south="inflow", north="outflow"),
    ),
    "manning-island-banks-as-walls": dict(
        nx=16, ny=12, friction="manning", banks="wall", square=True,
        sides=dict(west="level", east="open", south="wall", north="outflow"),
    ),
    "chezy-supercritical-wall-level-open": dict(
        nx=14, ny=10, friction="chezy", forcing=False,
        sides=dict(west="supercritical", east="wall", south="level", north="open"),
    ),
    "darcy-walls-inflow-east-level-north": dict(
        nx=12, ny=14, friction="darcy", forcing=False,
        sides=dict(west="wall", east="inflow", south="wall", north="level"),
    ),
    "channel-ny1-linear-walls": dict(
        nx=16, ny=1, friction="linear",
        sides=dict(west="level", east="inflow", south="wall", north="wall"),
    ),
    "channel-ny1-nofriction-open-sides": dict(
        nx=12, ny=1, friction="none", forcing=False,
        sides=dict(west="outflow", east="level", south="open", north="level"),
    ),
}  # fmt: skip


def assert_trees_close(mine, ref, rtol=1e-10):
    paths = jax.tree_util.tree_leaves_with_path(ref)
    leaves = jax.tree.leaves(mine)
    assert len(leaves) == len(paths)
    for (path, r), m in zip(paths, leaves, strict=True):
        r, m = np.asarray(r), np.asarray(m)
        # Where autodiff gives NaN (an engine derivative 0·∞), the adjoint must give it too.
        np.testing.assert_array_equal(np.isnan(m), np.isnan(r), jax.tree_util.keystr(path))
        r, m = np.nan_to_num(r), np.nan_to_num(m)
        scale = max(float(np.max(np.abs(r), initial=0.0)), 1e-300)
        err = float(np.max(np.abs(m - r), initial=0.0))
        assert err <= rtol * scale, (jax.tree_util.keystr(path), err, scale)


@pytest.mark.parametrize("name", list(CASES))
def test_step_adjoint_equals_autodiff(name):
    with jax.enable_x64(True):
        grid, params, state = make_case(**CASES[name])
        dt = jnp.asarray(0.5 * float(core.stable_dt(state, params, grid)))
        wet = np.asarray(state.h > params.dry_depth)
        assert (wet.any() and (~wet).any()) or grid.ny == 1
        rng = np.random.RandomState(1)
        ct = core.State(*(jnp.asarray(rng.randn(*grid.shape)) for _ in range(3)), jnp.asarray(0.7))

        @quick_jit
        def autodiff(state, params, dt, ct):
            _, vjp = jax.vjp(lambda s, p, d: core.step(s, p, grid, d), state, params, dt)
            return vjp(ct)

        @jax.jit
        def both(state, params, dt, ct):
            out, wrapped = jax.vjp(lambda s, p, d: adjoint.step(s, p, grid, d), state, params, dt)
            mine = adjoint.step_backward(state, params, grid, dt, ct)
            return mine, wrapped(ct), out.h, core.step(state, params, grid, dt).h

        ref = autodiff(state, params, dt, ct)
        mine, custom, out_h, plain_h = both(state, params, dt, ct)
        assert_trees_close(mine, ref)
        # The custom_vjp-wrapped step gives the same cotangents, and the same values.
        np.testing.assert_allclose(out_h, plain_h, rtol=1e-14)
        assert_trees_close(custom, ref)


def test_the_island_has_banks_that_act_as_walls():
    """The banks case exercises both masks of ``fluxes.bank_walls`` along both axes (the
    square island's bed stands above the sea around it, its coast along the grid's faces)."""
    from twinbench.core.fluxes import bank_walls, face_states
    from twinbench.core.terms import primitive

    with jax.enable_x64(True):
        _, params, state = make_case(**CASES["manning-island-banks-as-walls"])
        p = primitive(state, params)
        b = params.boundaries
        for axis, (un, ut), (low, high) in (
            (1, (p.u, p.v), (b.west, b.east)),
            (0, (p.v, p.u), (b.south, b.north)),
        ):
            _, _, left, right = face_states(p.h, p.eta, un, ut, axis, low, high, state.t, 9.81)
            bank_l, bank_r = bank_walls(p.h, p.eta, left, right, axis, 9.81, params.dry_depth)
            assert int(bank_l.sum()) > 0 and int(bank_r.sum()) > 0, axis


def test_dry_and_bidirectional_flow_are_exercised():
    with jax.enable_x64(True):
        _, params, state = make_case(**CASES["manning-level-open-inflow-outflow-forcing"])
        wet = np.asarray(state.h > params.dry_depth)
        assert 5 < (~wet).sum() < wet.sum()
        for q in (state.hu, state.hv):
            assert (np.asarray(q) > 0).any() and (np.asarray(q) < 0).any()


def test_run_gradient_equals_autodiff():
    """Gradient of a scalar of the final state: hand adjoint vs jax.grad (checkpointed), storing
    every step input, and with 3 checkpoints over 7 steps (segments of 2, the last masked)."""
    with jax.enable_x64(True):
        grid, params, state = make_case(**CASES["manning-level-open-inflow-outflow-forcing"])
        dt = 0.5 * float(core.stable_dt(state, params, grid))
        weights = jnp.asarray(np.random.RandomState(2).rand(*grid.shape))

        def loss(params, state, mode, checkpoints):
            final = core.run(state, params, grid, dt, 7, checkpoints, adjoint=mode)
            return jnp.sum(weights * final.h**2) + jnp.sum(final.hu * final.hv)

        grad = lambda *a: jax.jit(jax.value_and_grad(  # noqa: E731
            lambda p, s: loss(p, s, *a), (0, 1)))(params, state)  # fmt: skip
        # The reference checkpoints every step (7 checkpoints: one scan of the step's vjp, a third
        # of the two-level form's compilation; the two-level form is the next test's reference).
        v_ref, g_ref = quick_jit(jax.value_and_grad(
            lambda p, s: loss(p, s, "autodiff", 7), (0, 1)))(params, state)  # fmt: skip
        for checkpoints in (None, 3):
            v_mine, g_mine = grad("hand", checkpoints)
            np.testing.assert_allclose(v_mine, v_ref, rtol=1e-13)
            assert_trees_close(g_mine, g_ref)


def test_run_gradient_with_respect_to_dt_and_under_vmap():
    with jax.enable_x64(True):
        grid, params, state = make_case(**CASES["channel-ny1-linear-walls"])
        dt = 0.5 * float(core.stable_dt(state, params, grid))

        def loss(dt, n, mode):
            p = dataclasses.replace(params, friction=core.Manning(n))
            return jnp.sum(core.run(state, p, grid, dt, 5, adjoint=mode).h ** 3)

        values = jnp.asarray([0.01, 0.03, 0.05])
        batched = jax.vmap(jax.grad(loss, (0, 1)), (None, 0, None))
        d_ref, n_ref = quick_jit(batched, static_argnums=(2,))(dt, values, "autodiff")
        d_mine, n_mine = jax.jit(batched, static_argnums=2)(dt, values, "hand")
        np.testing.assert_allclose(n_mine, n_ref, rtol=1e-10)
        np.testing.assert_allclose(d_mine, d_ref, rtol=1e-10)


def test_discharge_newton_derivative_is_the_implicit_function_theorem():
    """d(inflow depth)/d(q, un, h, g) against centred differences of the converged solve."""
    with jax.enable_x64(True):
        inner = core.FaceState(jnp.asarray(1.3), jnp.asarray(0.2), jnp.asarray(-0.1),
                               jnp.asarray(0.0))  # fmt: skip
        q, g = jnp.asarray(0.8), jnp.asarray(9.81)

        def depth(x):
            return _inflow_depth(x[0], core.FaceState(x[1], inner.eta, x[2], inner.ut), x[3])

        x = jnp.stack([q, inner.h, inner.un, g])
        grad = jax.grad(depth)(x)
        for i in range(4):
            e = jnp.zeros(4).at[i].set(1e-6)
            numeric = (depth(x + e) - depth(x - e)) / 2e-6
            np.testing.assert_allclose(grad[i], numeric, rtol=1e-7)


def test_segment_policy():
    mb = 2**20
    assert adjoint.segment_length(1000, mb // 10, 512 * mb) == 1  # everything fits
    s = adjoint.segment_length(10_000, mb, 512 * mb)  # 10 GB of states: checkpoints
    assert 1 < s <= 100 and (10_000 // s + s) <= 512
    assert adjoint.segment_length(10_000, mb, 1) == 100  # nothing fits: two-level √n


def test_hll_backward_equals_autodiff_at_ties_and_dry_faces():
    """The written-out HLL backward against ``jax.vjp`` of ``hll_flux``, on faces with dry
    sides, equal beds, equal states and equal wave speeds (where max/min/|·| have kinks)."""
    from twinbench.core.fluxes import hll_flux

    with jax.enable_x64(True):
        rng = np.random.RandomState(3)
        n = 4000
        h_l, h_r = rng.rand(n) * 2, rng.rand(n) * 2
        h_l[rng.rand(n) < 0.3], h_r[rng.rand(n) < 0.3] = 0.0, 0.0
        bed_l = -rng.rand(n)
        bed_r = np.where(rng.rand(n) < 0.3, bed_l, -rng.rand(n))
        u_l = rng.randn(n) * 0.5
        u_r = np.where(rng.rand(n) < 0.2, u_l, rng.randn(n) * 0.5)
        same = rng.rand(n) < 0.2
        h_r, bed_r = np.where(same, h_l, h_r), np.where(same, bed_l, bed_r)
        a = jnp.asarray
        left = core.FaceState(a(h_l), a(h_l + bed_l), a(u_l), a(rng.randn(n)))
        right = core.FaceState(a(h_r), a(h_r + bed_r), a(u_r), a(rng.randn(n)))
        g, dry = a(9.81), a(1e-6)
        cts = tuple(a(rng.randn(n)) for _ in range(5))

        @jax.jit
        def both(left, right, g, dry, cts):
            _, vjp = jax.vjp(lambda lf, rf, g: hll_flux(lf, rf, g, dry)[:5], left, right, g)
            return adjoint._hll_backward(left, right, g, dry, cts), vjp(cts)

        assert_trees_close(*both(left, right, g, dry, cts), rtol=1e-13)


def test_depth_slope_backward_equals_autodiff_at_ties_dry_cells_and_in_the_blend():
    """The written-out transpose of ``fluxes.depth_slope`` against ``jax.vjp`` of it, on
    fields with dry cells, uniform depths (ties of the min), equal free-surface steps (ties of
    the max) and bed steps that put cells on both sides of and inside both detectors' blends
    (the free-surface step and the bed drop)."""
    from twinbench.core.fluxes import GENTLE, SHOCK, SMOOTH, STEEP, depth_slope, differences

    def slope(s_h, s_eta, h, h_back, h_fwd, eta_back, eta_fwd):
        return depth_slope(s_h, s_eta, h, (h_back, h_fwd), (eta_back, eta_fwd))

    with jax.enable_x64(True):
        rng = np.random.RandomState(5)
        ratios, drops = [], []
        for trial in range(24):
            axis, shape = trial % 2, (7, 9)
            h = rng.uniform(0.5, 1.0, shape)
            if trial % 3 == 0:
                h[rng.rand(*shape) < 0.2] = 0.0
            if trial % 4 == 0:
                h[:] = 0.7
            bed = rng.randn(*shape) * 0.05 * (1 + trial % 5)
            eta = np.round(bed + h, 1) if trial % 5 == 0 else bed + h
            eta = np.maximum(eta, bed)
            h = eta - bed
            h_diff, eta_diff = (
                differences(jnp.asarray(h), axis),
                differences(jnp.asarray(eta), axis),
            )
            args = (rng.randn(*shape) * 0.1, rng.randn(*shape) * 0.1, h, *h_diff, *eta_diff)
            args = [jnp.asarray(a) for a in args]
            ct = jnp.asarray(rng.randn(*shape))
            _, vjp = jax.vjp(slope, *args)
            mine = adjoint._depth_slope_backward(ct, *args[:3], tuple(args[3:5]), tuple(args[5:]))
            assert_trees_close(jax.tree.leaves(mine), list(vjp(ct)), rtol=1e-13)
            step = np.maximum(np.abs(eta_diff[0]), np.abs(eta_diff[1]))
            ratios.append(step / np.maximum(h, 1e-12))
            drop = 0.5 * np.abs((eta_diff[1] - h_diff[1]) + (eta_diff[0] - h_diff[0]))
            drops.append(drop / np.maximum(h, 1e-12))
        for ratio, (low, high) in ((ratios, (SMOOTH, SHOCK)), (drops, (GENTLE, STEEP))):
            ratio = np.concatenate([r.ravel() for r in ratio])
            assert (ratio < low).any() and (ratio > high).any()
            assert ((ratio > low) & (ratio < high)).sum() > 50


@pytest.mark.parametrize("dual", [False, True], ids=["single", "dual"])
def test_step_adjoint_with_porosity_equals_autodiff(dual):
    """A random porosity (core.porosity), single or dual (a random conveyance: face weights up
    to 5): every cotangent but the porosity's own equals autodiff's; the porosity is a property
    of the grid, its cotangent is documented as zero."""
    import equinox as eqx

    with jax.enable_x64(True):
        grid, params, state = make_case(**CASES["manning-level-open-inflow-outflow-forcing"])
        rng = np.random.RandomState(3)
        storage = 0.2 + 0.8 * rng.rand(*grid.shape)
        conveyance = 0.2 + 0.8 * rng.rand(*grid.shape) if dual else None
        phi = core.porosity(storage, jnp.float64, conveyance=conveyance)
        assert (float(jnp.max(phi.x_high)) > 1.5) == dual
        params = eqx.tree_at(lambda p: p.porosity, params, phi, is_leaf=lambda x: x is None)
        dt = jnp.asarray(0.5 * float(core.stable_dt(state, params, grid)))
        ct = core.State(*(jnp.asarray(rng.randn(*grid.shape)) for _ in range(3)), jnp.asarray(0.7))

        def with_fixed_porosity(s, p, d):
            return core.step(s, eqx.tree_at(lambda q: q.porosity, p, phi), grid, d)

        def autodiff(state, params, dt, ct):
            return jax.vjp(with_fixed_porosity, state, params, dt)[1](ct)

        ref = quick_jit(autodiff)(state, params, dt, ct)
        mine = jax.jit(lambda s, p, d, c: adjoint.step_backward(s, p, grid, d, c))(
            state, params, dt, ct
        )
        assert_trees_close(mine, ref)
        assert all(float(jnp.max(jnp.abs(a))) == 0.0 for a in jax.tree.leaves(mine[1].porosity))
        # The porosity changes the step: the test is not vacuous.
        plain = core.step(state, eqx.tree_at(lambda q: q.porosity, params, None), grid, dt)
        assert float(jnp.max(jnp.abs(plain.h - core.step(state, params, grid, dt).h))) > 1e-4
