"""jax.grad of run results against centred finite differences (float64, rel. error < 1e-4).

The discrete scheme is piecewise smooth (limiters, upwinding, wetting): at its kinks — water
exactly at rest, a cell exactly drying — one-sided derivatives differ. The case below is a
flowing, everywhere-wet basin, where the scheme is smooth and the derivative is unique.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import twinbench
from twinbench.domains.basins import grid_dataset

N_STEPS = 60
PROBE = (9, 17)


@pytest.fixture(scope="module")
def model():
    nx, ny, dx = 24, 16, 50.0
    x, y = (np.arange(nx) + 0.5) * dx, (np.arange(ny) + 0.5) * dx
    X, Y = np.meshgrid(x, y)
    depth = 3.0 + 1.5 * np.sin(X / 170.0) * np.cos(Y / 230.0)
    eta = 0.2 * np.exp(-(((X - 500) ** 2 + (Y - 400) ** 2) / 150.0**2))
    u = 0.3 + 0.05 * np.sin(Y / 90.0)
    v = 0.08 + 0.03 * np.cos(X / 110.0)
    ds = grid_dataset(x, y, depth, eta=eta, u=u, v=v)
    return twinbench.Model(
        ds,
        physics={
            "friction": {"law": "manning", "coefficient": 0.03},
            "coriolis": 1e-4,
            "viscosity": 0.5,
        },
        boundaries={
            "west": {"type": "level", "value": 0.1},
            "east": {"type": "open"},
            "south": {"type": "discharge", "value": 0.4},
        },
    )


def level_at_probe(model, params, state, dt):
    final = model.run(N_STEPS, dt, params=params, state=state)
    return model.free_surface(final, params)[PROBE]


def centred_difference(f, x, where, step, size):
    """(f(x + step) − f(x − step)) / (2 size), ``step`` applied to the leaf ``where(x)``."""
    f = jax.jit(f)
    plus = f(eqx.tree_at(where, x, where(x) + step))
    minus = f(eqx.tree_at(where, x, where(x) - step))
    return (plus - minus) / (2 * size)


@pytest.fixture(scope="module")
def gradients(model):
    with model.precision():
        dt = 0.8 * float(model.stable_dt())
        grad = jax.jit(jax.grad(lambda p, s: level_at_probe(model, p, s, dt), argnums=(0, 1)))
        return dt, grad(model.params, model.state)


def check(analytic, numeric):
    assert abs(numeric) > 1e-8  # a derivative worth testing
    assert abs(analytic - numeric) <= 1e-4 * abs(numeric), (analytic, numeric)


@pytest.mark.parametrize("cell", [(9, 15), (6, 12), (12, 10)])
def test_gradient_wrt_friction_field(model, gradients, cell):
    dt, (grad_params, _) = gradients
    with model.precision():
        f = lambda p: level_at_probe(model, p, model.state, dt)  # noqa: E731
        mask = jnp.zeros(model.grid.shape).at[cell].set(1.0)
        numeric = centred_difference(
            f, model.params, lambda p: p.friction.coefficient, 1e-6 * mask, 1e-6
        )
        check(float(grad_params.friction.coefficient[cell]), float(numeric))


@pytest.mark.parametrize("side", ["west", "south"])
def test_gradient_wrt_boundary_value(model, gradients, side):
    dt, (grad_params, _) = gradients
    with model.precision():
        f = lambda p: level_at_probe(model, p, model.state, dt)  # noqa: E731
        where = lambda p: getattr(p.boundaries, side).values  # noqa: E731
        numeric = centred_difference(f, model.params, where, 1e-6, 1e-6)
        check(float(where(grad_params).sum()), float(numeric))


@pytest.mark.parametrize("field,cell", [("h", (9, 14)), ("hu", (8, 13)), ("hv", (10, 16))])
def test_gradient_wrt_initial_state(model, gradients, field, cell):
    dt, (_, grad_state) = gradients
    with model.precision():
        f = lambda s: level_at_probe(model, model.params, s, dt)  # noqa: E731
        mask = jnp.zeros(model.grid.shape).at[cell].set(1.0)
        numeric = centred_difference(f, model.state, lambda s: getattr(s, field), 1e-6 * mask, 1e-6)
        check(float(getattr(grad_state, field)[cell]), float(numeric))


def test_gradient_wrt_bed(model, gradients):
    dt, (grad_params, _) = gradients
    with model.precision():
        f = lambda p: level_at_probe(model, p, model.state, dt)  # noqa: E731
        cell = (9, 14)
        mask = jnp.zeros(model.grid.shape).at[cell].set(1.0)
        numeric = centred_difference(f, model.params, lambda p: p.bed, 1e-6 * mask, 1e-6)
        check(float(grad_params.bed[cell]), float(numeric))


def test_checkpointing_does_not_change_results(model):
    with model.precision():
        dt = 0.8 * float(model.stable_dt())
        f = lambda p, k: level_at_probe_k(model, p, dt, k)  # noqa: E731
        plain = jax.grad(f)(model.params, 1)
        nested = jax.grad(f)(model.params, 7)
        np.testing.assert_allclose(
            nested.friction.coefficient, plain.friction.coefficient, rtol=1e-12, atol=1e-18
        )


def level_at_probe_k(model, params, dt, checkpoints):
    final = model.run(N_STEPS, dt, params=params, checkpoints=checkpoints)
    return model.free_surface(final, params)[PROBE]


def test_gradient_wrt_gravity_with_dry_cells():
    """An island that stays dry: ∂/∂g is finite and matches finite differences (was 0·∞ = NaN)."""
    nx, ny, dx = 20, 14, 40.0
    x, y = (np.arange(nx) + 0.5) * dx, (np.arange(ny) + 0.5) * dx
    X, Y = np.meshgrid(x, y)
    island = 3.0 - 5.0 * np.exp(-(((X - 400) ** 2 + (Y - 280) ** 2) / 90.0**2))
    eta = 0.3 * np.exp(-(((X - 150) ** 2 + (Y - 280) ** 2) / 80.0**2))
    ds = grid_dataset(x, y, island, eta=np.where(island > 0, eta, 0.0))
    model = twinbench.Model(ds, physics={"friction": {"law": "manning", "coefficient": 0.02}})
    with model.precision():
        assert bool((model.state.h == 0).any())
        dt = 0.8 * float(model.stable_dt())
        f = lambda p: model.free_surface(model.run(40, dt, params=p), p)[7, 6]  # noqa: E731
        grad = jax.grad(f)(model.params).gravity
        numeric = centred_difference(f, model.params, lambda p: p.gravity, 1e-5, 1e-5)
        assert np.isfinite(float(grad))
        check(float(grad), float(numeric))


def test_gradient_with_a_river_on_part_of_a_side():
    """A river enters through 3 cells of the east side, the rest of the side is land: the
    gradient is finite (the inflow branch at q = 0 was 0·∞ = NaN) and matches differences
    along the river's cells (a step on the land's cells would wet them, ≈ 1e-6 m: a kink, and
    with it the banks beside them stop being walls)."""
    nx, ny, dx = 18, 10, 60.0
    x, y = (np.arange(nx) + 0.5) * dx, (np.arange(ny) + 0.5) * dx
    depth = np.full((ny, nx), 2.5)
    depth[:3, -4:] = -2.0  # land along the east side except the river's rows
    depth[6:, -4:] = -2.0
    ds = grid_dataset(x, y, depth)
    model = twinbench.Model(
        ds,
        physics={"friction": {"law": "manning", "coefficient": 0.025}},
        boundaries={
            "east": {"type": "river", "discharge": 4.0, "cells": [3, 5]},
            "west": {"type": "level", "value": 0.0},
        },
    )
    with model.precision():
        dt = 0.8 * float(model.stable_dt())
        f = lambda p: model.free_surface(model.run(50, dt, params=p), p)[4, 12]  # noqa: E731
        grad = jax.grad(f)(model.params)
        assert all(bool(jnp.isfinite(leaf).all()) for leaf in jax.tree.leaves(grad))
        where = lambda p: p.boundaries.east.values  # noqa: E731
        river = np.asarray(where(model.params) > 0, float)  # (time, y, 1): rows 3–5
        assert river.sum() == 3
        numeric = centred_difference(f, model.params, where, 1e-6 * river, 1e-6)
        check(float((where(grad) * river).sum()), float(numeric))
