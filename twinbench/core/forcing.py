"""Surface forcing: wind stress and atmospheric pressure as tables in time.

The momentum source per unit area is ``τ_s/ρ_w − (h/ρ_w) ∇p_a``. Tables are
``(nt, ny, nx)`` (or broadcastable, e.g. ``(nt, 1, 1)`` for uniform fields) with their times
``(nt,)`` in seconds from the start; values are interpolated linearly in time.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

from twinbench.core.tables import sample

SEAWATER_DENSITY = 1025.0  # kg m⁻³, reference density of the Boussinesq momentum equations


class SurfaceForcing(eqx.Module):
    """Surface stress (Pa) and sea-level pressure (Pa) tables over ``times`` (s)."""

    times: Float[Array, " nt"]
    stress_x: Float[Array, "nt ny nx"]
    stress_y: Float[Array, "nt ny nx"]
    pressure: Float[Array, "nt ny nx"]

    def at(self, t: Array) -> tuple[Array, Array, Array]:
        """Stress components and pressure at time ``t``."""
        return (
            sample(self.times, self.stress_x, t),
            sample(self.times, self.stress_y, t),
            sample(self.times, self.pressure, t),
        )


def wind_stress(
    wind_x: Array, wind_y: Array, air_density: float = 1.225, max_drag: float | None = None
) -> tuple[Array, Array]:
    """Surface stress (Pa) from the 10 m wind (m s⁻¹) with Wu's (1982) drag coefficient.

    ``τ = ρ_a C_d |W| W`` with ``C_d = (0.8 + 0.065 |W|) × 10⁻³`` (Wu, J., 1982, JGR 87(C12),
    9704–9706), the usual choice of storm-surge models (ADCIRC, TELEMAC). ``max_drag`` caps
    ``C_d`` (e.g. 2.5 × 10⁻³, reached at 26.2 m s⁻¹): the drag saturates in hurricane winds
    (Powell, Vickery & Reinhold 2003, Nature 422, 279–283; Donelan et al. 2004, GRL 31,
    L18306). ``None`` (the default) leaves Wu's law uncapped.
    """
    w = jnp.sqrt(wind_x**2 + wind_y**2)
    cd = (0.8 + 0.065 * w) * 1e-3
    if max_drag is not None:
        cd = jnp.minimum(cd, max_drag)
    return air_density * cd * w * wind_x, air_density * cd * w * wind_y
