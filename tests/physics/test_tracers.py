"""Tracer validation: analytic advection–diffusion, settling, erosion equilibrium, consistency
with continuity over tidal flats, conservation and positivity, a steady estuarine salt balance.

The measured numbers are reported in docs/validation.md (section "Tracers").
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from twinbench import core
from twinbench.core import sediment as sed
from twinbench.core import tracer_stepping as ts
from twinbench.core import transport as tr
from twinbench.domains import tidal_basin
from twinbench.io import build, inputs

ONE = jnp.zeros(1)


def _channel(nx, dx, depth, boundaries, friction=None, forcing=None):
    grid = core.Grid(nx=nx, ny=1, dx=dx, dy=dx)
    extra = {} if friction is None else {"friction": friction}
    params = core.default_params(
        jnp.full((1, nx), -depth), boundaries=boundaries, forcing=forcing, **extra
    )
    return grid, params


def gaussian_error(nx, length=1000.0, speed=1.0, k=1.0, sigma=40.0, x0=300.0, duration=400.0):
    """Relative L1 error of a diffusing Gaussian carried by a uniform current (Open sides)."""
    dx = length / nx
    x = (np.arange(nx) + 0.5) * dx
    b = core.Boundaries(west=core.Open(), east=core.Open())
    grid, params = _channel(nx, dx, 1.0, b)
    h = jnp.ones((1, nx))
    state = core.State(h, speed * h, 0 * h, jnp.asarray(0.0))
    tp = ts.TracerParams({"c": tr.Transport(jnp.asarray(k))}, {})
    tracers = ts.initial_tracers(state, {"c": np.exp(-((x - x0) ** 2) / (2 * sigma**2))[None]}, tp)
    n = int(np.ceil(duration / float(ts.stable_dt_with_tracers(state, params, tp, grid))))
    run = jax.jit(lambda s, t: ts.run_with_tracers(s, t, params, tp, grid, duration / n, n))
    state, tracers = run(state, tracers)
    c = np.asarray(ts.concentrations(state, tracers, params)["c"])[0]
    var = sigma**2 + 2 * k * duration
    exact = sigma / np.sqrt(var) * np.exp(-((x - x0 - speed * duration) ** 2) / (2 * var))
    return float(np.sum(np.abs(c - exact)) / np.sum(exact))


def test_gaussian_advection_diffusion_converges_at_second_order():
    with jax.enable_x64(True):
        coarse, fine = gaussian_error(100), gaussian_error(200)
    order = np.log2(coarse / fine)
    assert coarse < 0.06 and fine < 0.015, (coarse, fine)
    assert order > 1.7, order


def _still_box(c0, depth, sediment, nx=5, ny=4):
    grid = core.Grid(nx=nx, ny=ny, dx=10.0, dy=10.0)
    params = core.default_params(jnp.full((ny, nx), -depth))
    h = jnp.full((ny, nx), depth)
    state = core.State(h, 0 * h, 0 * h, jnp.asarray(0.0))
    tp = ts.TracerParams({"sediment": tr.Transport(jnp.asarray(1.0))}, {"sediment": sediment})
    return grid, params, state, tp, ts.initial_tracers(state, {"sediment": c0}, tp)


def test_pure_settling_is_exponential_and_the_bed_gains_what_the_water_loses():
    with jax.enable_x64(True):
        w_s, depth, c0 = 1e-3, 2.0, 0.1
        sediment = sed.Sediment(
            *map(jnp.asarray, (w_s, jnp.inf, 1.0, 0.0, 0.0))
        )  # no erosion, empty bed
        grid, params, state, tp, tracers = _still_box(c0, depth, sediment)
        state, tracers = ts.run_with_tracers(state, tracers, params, tp, grid, 50.0, 40)
        c = ts.concentrations(state, tracers, params)["sediment"]
        np.testing.assert_allclose(c, c0 * np.exp(-w_s * 2000.0 / depth), rtol=1e-13)
        lost = c0 * depth - tracers.content["sediment"]
        np.testing.assert_allclose(tracers.deposited["sediment"], lost, rtol=1e-13)


def _forced_uniform_flow(speed, depth, drag, nx=6):
    """A uniform current held by a surface stress against linear friction (a steady state)."""
    b = core.Boundaries(west=core.Open(), east=core.Open())
    stress = 1025.0 * drag * depth * speed  # τ_s = ρ k h U balances the bed stress exactly
    forcing = core.SurfaceForcing(
        ONE, jnp.full((1, 1, 1), stress), jnp.zeros((1, 1, 1)), jnp.full((1, 1, 1), 101325.0)
    )
    grid, params = _channel(nx, 20.0, depth, b, core.Linear(jnp.asarray(drag)), forcing)
    h = jnp.full((1, nx), depth)
    return grid, params, core.State(h, speed * h, 0 * h, jnp.asarray(0.0)), stress


def test_erosion_reaches_the_equilibrium_where_erosion_balances_deposition():
    with jax.enable_x64(True):
        depth, w_s, tau_d, tau_e, m = 2.0, 1e-3, 4.0, 0.5, 2e-4
        grid, params, state, tau_b = _forced_uniform_flow(0.8, depth, 1e-3)
        sediment = sed.Sediment(*map(jnp.asarray, (w_s, tau_d, tau_e, m, jnp.inf)))
        tp = ts.TracerParams({"sediment": tr.Transport(jnp.asarray(0.0))}, {"sediment": sediment})
        tracers = ts.initial_tracers(state, {"sediment": 0.0}, tp)
        np.testing.assert_allclose(sed.bed_shear_stress(state, params), tau_b, rtol=1e-6)
        erosion = m * (tau_b / tau_e - 1)
        settling = w_s * (1 - tau_b / tau_d)
        equilibrium = erosion / settling  # kg m⁻³
        duration = 4000.0
        state, tracers = ts.run_with_tracers(state, tracers, params, tp, grid, 2.0, 2000)
        c = np.asarray(ts.concentrations(state, tracers, params)["sediment"])
        # Uniform: c(t) = c_eq (1 − exp(−w_s p t / h)) with τ_b exactly steady.
        expected = equilibrium * (1 - np.exp(-settling * duration / depth))
        np.testing.assert_allclose(c, expected, rtol=1e-6)
        assert expected > 0.6 * equilibrium
        state, tracers = ts.run_with_tracers(state, tracers, params, tp, grid, 20.0, 1000)
        c = np.asarray(ts.concentrations(state, tracers, params)["sediment"])
        expected = equilibrium * (1 - np.exp(-settling * (duration + 20000.0) / depth))
        np.testing.assert_allclose(c, expected, rtol=1e-6)
        np.testing.assert_allclose(c, equilibrium, rtol=1e-3)


def test_availability_limited_erosion_stops_when_the_bed_is_empty():
    with jax.enable_x64(True):
        grid, params, state, tau_b = _forced_uniform_flow(0.8, 2.0, 1e-3)
        # τ_d below τ_b: no deposition; E = 1e-4 (τ_b/0.5 − 1) kg m⁻² s⁻¹ until 0.3 kg m⁻² gone.
        sediment = sed.Sediment(*map(jnp.asarray, (1e-3, 0.1, 0.5, 1e-4, 0.3)))
        tp = ts.TracerParams({"sediment": tr.Transport(jnp.asarray(0.0))}, {"sediment": sediment})
        tracers = ts.initial_tracers(state, {"sediment": 0.0}, tp)
        erosion = 1e-4 * (tau_b / 0.5 - 1)
        empty_at = 0.3 / erosion
        run = jax.jit(lambda s, t, n: ts.run_with_tracers(s, t, params, tp, grid, 1.0, 100))
        content = []
        for _ in range(int(np.ceil(1.5 * empty_at / 100))):
            state, tracers = run(state, tracers, 0)
            content.append(float(tracers.content["sediment"][0, 0]))
        times = 100.0 * (1 + np.arange(len(content)))
        np.testing.assert_allclose(content, np.minimum(erosion * times, 0.3), rtol=1e-9)
        np.testing.assert_allclose(tracers.deposited["sediment"], -0.3, rtol=1e-12)


def _tidal_basin(concentration_at_sea):
    ds = tidal_basin(spacing=800.0)
    grid_in = inputs.parse_inputs(ds)
    physics = inputs.parse_physics({"friction": {"law": "manning", "coefficient": 0.025}}, grid_in)
    t = np.arange(0.0, 50000.0, 600.0)
    level = xr.DataArray(2.0 * np.sin(2 * np.pi * t / 44712.0), coords={"time": t}, dims="time")
    bounds = inputs.parse_boundaries({"west": {"type": "level", "value": level}}, grid_in)
    grid, params, state = build.build(grid_in, physics, bounds, None, jnp.float64)
    sea = tr.TracerBoundaries(west=tr.constant_inflow(concentration_at_sea))
    return grid, params, state, sea


def test_uniform_concentration_stays_uniform_over_tidal_flats():
    """Consistency with continuity: 35 everywhere and at sea stays 35 through a tide that
    floods and dries the flats."""
    with jax.enable_x64(True):
        grid, params, state, sea = _tidal_basin(35.0)
        tp = ts.TracerParams({"salinity": tr.Transport(jnp.asarray(10.0), sea)}, {})
        tracers = ts.initial_tracers(state, {"salinity": 35.0}, tp)
        times = jnp.linspace(0.0, 44712.0, 7)
        states, history, _, status = ts.history_with_tracers(
            state, tracers, params, tp, grid, times, 100_000
        )
        assert int(status) == core.OK
        wet = np.asarray(states.h > params.dry_depth)
        assert (~wet[0]).sum() > 20 and wet[:, ~wet[0]].any()  # the flats flood
        c = np.asarray(history.content["salinity"]) / np.where(wet, states.h, 1.0)
        assert np.max(np.abs(c[wet] - 35.0)) < 1e-11 * 35.0


def test_closed_basin_conserves_salt_and_mud_and_stays_positive(basin):
    """Walls, wetting and drying, strong erosion and fast settling: Σ(water + bed) is constant
    to round-off and no content goes negative."""
    with jax.enable_x64(True):
        grid_in = inputs.parse_inputs(basin)
        physics = inputs.parse_physics(
            {"friction": {"law": "manning", "coefficient": 0.03}}, grid_in
        )
        grid, params, state = build.build(
            grid_in, physics, inputs.parse_boundaries(None, grid_in), None, jnp.float64
        )
        sediment = sed.Sediment(*map(jnp.asarray, (5e-3, 10.0, 0.01, 0.05, 2.0)))
        tp = ts.TracerParams(
            {
                "salinity": tr.Transport(jnp.asarray(20.0)),
                "sediment": tr.Transport(jnp.asarray(5.0)),
            },
            {"sediment": sediment},
        )
        x = np.asarray(basin["x"])[None, :] * np.ones((grid.ny, 1))
        tracers = ts.initial_tracers(state, {"salinity": 30.0 * x / x.max(), "sediment": 0.0}, tp)
        before = ts.tracer_mass(tracers, grid)
        times = jnp.linspace(0.0, 1800.0, 4)
        states, history, _, status = ts.history_with_tracers(
            state, tracers, params, tp, grid, times, 100_000
        )
        assert int(status) == core.OK
        last = jax.tree.map(lambda a: a[-1], history)
        after = ts.tracer_mass(last, grid)
        # Round-off relative to the mass that moved (the net total of mud is 0 by construction).
        scale = {
            name: float(jnp.sum(last.content[name]) + jnp.sum(jnp.abs(last.deposited.get(name, 0))))
            * grid.cell_area
            for name in before
        }
        for name in before:
            assert abs(float(after[name] - before[name])) < 1e-13 * scale[name], name
        assert float(jnp.min(history.content["sediment"])) >= 0.0
        assert float(jnp.min(history.content["salinity"])) >= 0.0
        # Strong erosion happened (the bed lost mass somewhere), and the flats moved.
        assert float(jnp.min(history.deposited["sediment"])) < -0.1
        wet = np.asarray(states.h > params.dry_depth)
        assert (wet[0] != wet[-1]).any()
        c = np.asarray(
            ts.concentrations(
                jax.tree.map(lambda a: a[-1], states),
                jax.tree.map(lambda a: a[-1], history),
                params,
            )["salinity"]
        )
        assert c.max() <= 30.0 * (1 + 1e-9)  # no overshoot of the initial maximum


def estuary(discharge, depth=2.0, length=8000.0, nx=80, k=50.0, sea=35.0, duration=3e5):
    """A river (fresh, east) meets the sea (``sea``, west) in a uniform channel: the steady
    salinity balances U S = K dS/dx, S = sea · exp(U x / K) (U < 0, seaward)."""
    dx = length / nx
    x = (np.arange(nx) + 0.5) * dx
    b = core.Boundaries(
        west=core.Level(ONE, jnp.zeros((1, 1, 1))),
        east=core.Discharge(ONE, jnp.full((1, 1, 1), discharge)),
    )
    grid, params = _channel(nx, dx, depth, b)
    h = jnp.full((1, nx), depth)
    state = core.State(h, -discharge + 0 * h, 0 * h, jnp.asarray(0.0))
    boundaries = tr.TracerBoundaries(
        west=tr.constant_inflow(sea), east=tr.constant_inflow(0.0, mixing=False)
    )
    tp = ts.TracerParams({"salinity": tr.Transport(jnp.asarray(k), boundaries)}, {})
    tracers = ts.initial_tracers(state, {"salinity": 0.0}, tp)
    times = jnp.asarray([0.0, duration])
    states, history, _, status = ts.history_with_tracers(
        state, tracers, params, tp, grid, times, 10**6
    )
    assert int(status) == core.OK
    last = jax.tree.map(lambda a: a[-1], (states, history))
    salinity = np.asarray(ts.concentrations(*last, params)["salinity"])[0]
    speed = -discharge / depth
    return x, salinity, sea * np.exp(speed * x / k), k / -speed * np.log(sea / 1.0)


def test_estuary_salinity_matches_the_steady_balance_and_shortens_with_discharge():
    with jax.enable_x64(True):
        x, low, exact_low, length_low = estuary(0.1)
        _, high, exact_high, length_high = estuary(0.2)
    for s, exact in ((low, exact_low), (high, exact_high)):
        assert np.all(np.diff(s) <= 1e-12)  # monotonic, fresher landward
        assert np.max(np.abs(s - exact)) < 0.01 * 35.0
    # Salt intrusion length (1 g/kg isohaline): halves when the discharge doubles.
    intrusion = [np.interp(1.0, s[::-1], x[::-1]) for s in (low, high)]
    np.testing.assert_allclose(intrusion, [length_low, length_high], rtol=0.03)
    assert 0.45 < intrusion[1] / intrusion[0] < 0.55
