"""Elementary functions with finite derivatives where the physics has a vanishing layer.

``√h`` and ``h^(1/3)`` have infinite derivatives at h = 0 (a dry cell). Reverse mode multiplies
such factors along every step, so an infinite (or merely huge, e.g. from ``√(h + ε)``) local
derivative overflows into NaN gradients after a few steps. These versions return the same
values and a zero derivative at 0.
"""

from __future__ import annotations

import jax.numpy as jnp
from jaxtyping import Array


def sqrt(x: Array) -> Array:
    """√x for x ≥ 0, with derivative 0 at x = 0."""
    positive = x > 0.0
    return jnp.where(positive, jnp.sqrt(jnp.where(positive, x, 1.0)), 0.0)


def cbrt(x: Array) -> Array:
    """x^(1/3) for x ≥ 0 (as exp(log(x)/3): a fusible transcendental), derivative 0 at 0."""
    positive = x > 0.0
    return jnp.where(positive, jnp.exp(jnp.log(jnp.where(positive, x, 1.0)) / 3.0), 0.0)
