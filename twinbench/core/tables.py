"""Piecewise-linear tables in time, sampled inside compiled loops."""

from __future__ import annotations

import jax.numpy as jnp
from jaxtyping import Array


def sample(times: Array, values: Array, t: Array) -> Array:
    """Value of a table at time ``t`` (linear in time, constant beyond its ends).

    ``times`` is ``(nt,)`` increasing; ``values`` is ``(nt, ...)``. A one-row table is a constant.
    """
    if times.shape[0] == 1:
        return values[0]
    i = jnp.clip(jnp.searchsorted(times, t, side="right") - 1, 0, times.shape[0] - 2)
    t0, t1 = times[i], times[i + 1]
    w = jnp.clip((t - t0) / (t1 - t0), 0.0, 1.0).astype(values.dtype)
    return values[i] + w * (values[i + 1] - values[i])
