"""Bottom friction laws, applied in each time-stepping stage (stable for any k).

Each law gives the bed stress per unit mass ``τ_b / ρ`` as ``k · (hu, hv)``, with a
coefficient ``k ≥ 0`` (s⁻¹) that depends on depth and speed. The stage update of
:func:`twinbench.core.stepping._apply_friction`, ``hU ← (hU + (1 + a) Δt L)/(1 + a + a²)``
(a = Δt k), is second order with SSP-RK2, unconditionally stable, drives the flow to rest in a
vanishing layer instead of reversing it, and leaves the steady balance ``tendency = k hU``
independent of Δt.
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


class Drag(eqx.Module):
    """Form drag of plant stems (a canopy: marsh grass, kelp) and of bridge piers.

    Per unit mass and area (the momentum sink in ``d(hU)/dt``), with ``U = (u, v)``::

        canopy:  ½ C_D a min(h, h_v) |U| U      (Nepf 1999, WRR 35(2):479)
        piers:   c_p h |U| U

    so ``k = (½ C_D a min(h, h_v)/h + c_p) |U|``, added to the bed law's k in the
    stage's friction update. ``a = n d`` is the stems' frontal area per unit volume (m⁻¹: n stems
    per m², diameter d); stems act over the water they stand in, ``min(h, h_v)``: the whole
    column when emergent (``h < h_v``), their height ``h_v`` when submerged. ``c_p`` (m⁻¹)
    collects piers as ``½ C_D D L/(s A)`` (diameter D, spacing s, length L of the pier line in
    a cell of area A), blockage included in C_D (``twinbench.scenarios`` builds it).

    Attributes
    ----------
    frontal_area : a (m⁻¹), ``(ny, nx)``; 0 where there is no canopy.
    height : h_v (m), ``(ny, nx)``; its value matters only where ``frontal_area > 0``.
    drag_coefficient : the stems' C_D (1), ``(ny, nx)``.
    piers : c_p (m⁻¹), ``(ny, nx)``.
    """

    frontal_area: Float[Array, "ny nx"]
    height: Float[Array, "ny nx"]
    drag_coefficient: Float[Array, "ny nx"]
    piers: Float[Array, "ny nx"]

    def rate(self, h: Array, u: Array, v: Array) -> Array:
        """k (s⁻¹) such that the drag in d(hU)/dt is ``k hU``; ``h`` > 0 (m)."""
        in_canopy = jnp.minimum(h, self.height) / h
        canopy = 0.5 * self.drag_coefficient * self.frontal_area * in_canopy
        return (canopy + self.piers) * speed(u, v)
