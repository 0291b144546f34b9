"""Cohesive suspended sediment (mud): settling, deposition, erosion and a bed that can run out.

With the suspended content ``m = h c`` (kg m⁻²) and the net deposition since the start ``d``
(kg m⁻², the bed mass is ``bed_initial + d``), the exchange with the bed is

    dm/dt = E − D,   dd/dt = D − E
    D = w_s c (1 − τ_b/τ_d)₊                       (Krone 1962)
    E = M (τ_b/τ_e − 1)₊, limited to what the bed holds  (Partheniades 1965)

with the bed shear stress ``τ_b = ρ k h |U|`` of the flow's friction law (``k`` its implicit
coefficient, ρ = 1025 kg m⁻³). Over a step Δt with τ_b and E frozen, the exchange is solved
exactly: with ``a = w_s p / h`` (p the deposition probability) and ``x = a Δt``,

    m(Δt) = m e^{−x} + E Δt φ(x),   φ(x) = (1 − e^{−x}) / x

and the bed receives the rest, so ``m + d`` is unchanged to round-off, ``m ≥ 0`` and the
erodible mass never goes negative for any Δt (no stiffness limit from fast settling in thin
water). Dry cells (h ≤ dry_depth) deposit everything they hold and do not erode.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

from twinbench.core.forcing import SEAWATER_DENSITY
from twinbench.core.friction import speed
from twinbench.core.types import Params, State


class Sediment(eqx.Module):
    """Cohesive sediment parameters (every one a traced leaf).

    Attributes
    ----------
    settling_velocity : w_s (m s⁻¹, ≥ 0).
    critical_shear_deposition : τ_d (Pa, > 0; ``inf``: deposition whatever the stress).
    critical_shear_erosion : τ_e (Pa, > 0).
    erosion_rate : Partheniades' M (kg m⁻² s⁻¹, ≥ 0).
    bed_initial : erodible bed mass at the start (kg m⁻², ≥ 0; ``inf``: unlimited), scalar or
        ``(ny, nx)``.
    """

    settling_velocity: Float[Array, ""]
    critical_shear_deposition: Float[Array, ...]
    critical_shear_erosion: Float[Array, ...]
    erosion_rate: Float[Array, ...]
    bed_initial: Float[Array, ...]


def bed_shear_stress(state: State, params: Params) -> Float[Array, "ny nx"]:
    """τ_b = ρ k h |U| (Pa) from the friction law's coefficient k; 0 in dry cells."""
    wet = state.h > params.dry_depth
    h = jnp.where(wet, state.h, 1.0)
    u = jnp.where(wet, state.hu / h, 0.0)
    v = jnp.where(wet, state.hv / h, 0.0)
    k = params.friction.rate(h, u, v, params.gravity)
    return jnp.where(wet, SEAWATER_DENSITY * k * h * speed(u, v), 0.0)


def deposition_probability(tau_b: Array, sediment: Sediment) -> Array:
    """Krone's ``p = (1 − τ_b/τ_d)₊`` (1 for τ_d = ∞)."""
    return jnp.maximum(1.0 - tau_b / sediment.critical_shear_deposition, 0.0)


def erosion_flux(tau_b: Array, sediment: Sediment) -> Array:
    """Partheniades' ``E = M (τ_b/τ_e − 1)₊`` (kg m⁻² s⁻¹), before the bed's availability."""
    return sediment.erosion_rate * jnp.maximum(tau_b / sediment.critical_shear_erosion - 1.0, 0.0)


def exchange(
    content: Float[Array, "ny nx"],
    deposited: Float[Array, "ny nx"],
    h: Float[Array, "ny nx"],
    tau_b: Float[Array, "ny nx"],
    sediment: Sediment,
    dt: Array,
    dry_depth: Array | float,
) -> tuple[Array, Array]:
    """Suspended content (kg m⁻²) and net deposition (kg m⁻²) after Δt of settling,
    deposition and erosion at a frozen bed stress ``tau_b`` (Pa); see the module docstring."""
    wet = h > dry_depth
    available = jnp.maximum(sediment.bed_initial + deposited, 0.0)
    # Never more than the bed holds: E Δt ≤ available (the min is exact for an unlimited bed).
    erosion = jnp.where(wet, jnp.minimum(erosion_flux(tau_b, sediment), available / dt), 0.0)
    eroded = erosion * dt
    rate = sediment.settling_velocity * deposition_probability(tau_b, sediment)
    x = rate * dt / jnp.where(wet, h, 1.0)
    small = x < 1e-6
    x_safe = jnp.where(small, 1.0, x)
    decay = jnp.where(wet, jnp.exp(-x), 0.0)
    # φ(x) = (1 − e^{−x})/x, by its series where x is tiny (no cancellation, no 0/0).
    phi = jnp.where(small, 1.0 - 0.5 * x, -jnp.expm1(-x_safe) / x_safe)
    phi = jnp.where(wet, phi, 0.0)
    new_content = content * decay + eroded * phi
    settled = content * (1.0 - decay) + eroded * (1.0 - phi)
    new_deposited = deposited - eroded + settled
    return new_content, new_deposited
