"""Bottom friction laws, applied semi-implicitly.

Each law gives the bed stress per unit mass ``τ_b / ρ`` as ``k · (hu, hv)``, with a
coefficient ``k ≥ 0`` (s⁻¹) that depends on depth and speed. The momentum update
``hU ← hU / (1 + Δt k)`` is unconditionally stable, drives the flow to rest in a vanishing
layer instead of reversing it, and leaves the steady balance ``tendency = k hU`` independent
of Δt.
"""

from __future__ import annotations

import abc

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

# Regularises |U| = sqrt(u² + v² + ε²) so that the derivative at rest is finite (m s⁻¹).
SPEED_EPS = 1e-8


def speed(u: Array, v: Array) -> Array:
    """Regularised current speed ``sqrt(u² + v² + ε²)`` (m s⁻¹)."""
    return jnp.sqrt(u * u + v * v + SPEED_EPS**2)


class FrictionLaw(eqx.Module):
    """Interface: ``rate(h, u, v, g)`` is the implicit coefficient k (s⁻¹)."""

    @abc.abstractmethod
    def rate(self, h: Array, u: Array, v: Array, gravity: Array) -> Array:
        """k such that the momentum sink in d(hU)/dt is ``k hU``."""


class NoFriction(FrictionLaw):
    """No bed stress."""

    def rate(self, h, u, v, gravity):
        return jnp.zeros_like(h)


class Manning(FrictionLaw):
    """Manning: ``τ/ρ = g n² |U| U / h^(1/3)``, so ``k = g n² |U| / h^(4/3)``; n in s m⁻¹ᐟ³."""

    coefficient: Float[Array, ...]

    def rate(self, h, u, v, gravity):
        # h^(4/3) as h·exp(log h / 3): a cube root inside a fused stencil is a slow libm call.
        h43 = h * jnp.exp(jnp.log(h) / 3.0)
        return gravity * self.coefficient**2 * speed(u, v) / h43


class Chezy(FrictionLaw):
    """Chézy: ``τ/ρ = g |U| U / C²``, so ``k = g |U| / (C² h)``; C in m¹ᐟ² s⁻¹."""

    coefficient: Float[Array, ...]

    def rate(self, h, u, v, gravity):
        return gravity * speed(u, v) / (self.coefficient**2 * h)


class DarcyWeisbach(FrictionLaw):
    """Darcy–Weisbach: ``τ/ρ = f |U| U / 8``, so ``k = f |U| / (8 h)``; f dimensionless."""

    coefficient: Float[Array, ...]

    def rate(self, h, u, v, gravity):
        return self.coefficient * speed(u, v) / (8.0 * h)


class Linear(FrictionLaw):
    """Linear: ``τ/ρ = τ h U`` (``du/dt = -τ u``), so ``k = τ``; τ in s⁻¹."""

    coefficient: Float[Array, ...]

    def rate(self, h, u, v, gravity):
        return jnp.broadcast_to(self.coefficient, h.shape).astype(h.dtype)
