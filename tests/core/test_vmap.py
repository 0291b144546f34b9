"""Ensembles with jax.vmap: one program, the same results as member-by-member runs."""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import twinbench
from twinbench import core


def manning_params(model, n):
    field = jnp.full(model.grid.shape, n, model.dtype)
    return eqx.tree_at(lambda p: p.friction.coefficient, model.params, field)


def test_vmap_over_32_friction_values_equals_member_by_member(basin):
    model = twinbench.Model(
        basin,
        physics={"friction": {"law": "manning", "coefficient": 0.03}},
        boundaries={"west": {"type": "level", "value": 0.2}},
    )
    values = np.linspace(0.01, 0.08, 32)
    with model.precision():
        dt = 0.5 * float(model.stable_dt())
        run = lambda n: model.run(40, dt, params=manning_params(model, n)).h  # noqa: E731
        batched = jax.jit(jax.vmap(run))(jnp.asarray(values))
        single = jax.jit(run)
        members = np.stack([np.asarray(single(jnp.asarray(n))) for n in values])
    np.testing.assert_allclose(np.asarray(batched), members, rtol=1e-12, atol=1e-14)
    assert np.ptp(members[:, 10, 5]) > 1e-4  # the members do differ


def test_vmap_of_adaptive_history(basin):
    """The adaptive-step loop batches too: members with different step counts stay exact."""
    model = twinbench.Model(basin, physics={"friction": {"law": "manning", "coefficient": 0.03}})
    times = np.array([0.0, 30.0, 60.0])
    with model.precision():
        t = jnp.asarray(times)

        def hist(n):
            states, _, status = core.history(
                model.state, manning_params(model, n), model.grid, t, jnp.int32(10**6)
            )
            return states.h, status

        values = jnp.asarray([0.0, 0.02, 0.05, 0.1])
        batched, status = jax.vmap(hist)(values)
        assert np.all(np.asarray(status) == core.OK)
        for i, n in enumerate(values):
            np.testing.assert_allclose(batched[i], hist(n)[0], rtol=1e-12, atol=1e-14)
