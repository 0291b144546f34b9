"""Grid, State and Params: the three immutable pytrees the engine is built from.

``Grid`` is static (sizes, spacings): changing it recompiles. ``State`` holds the prognostic
fields. ``Params`` holds every value a user may move between runs (bed, friction, Coriolis,
viscosity, boundary and forcing tables) as array leaves, so a new value never recompiles.
Options are objects (``Manning(n)``, ``Level(...)``); their *type* is part of the pytree
structure, their *numbers* are traced leaves.

Conventions: arrays are ``(ny, nx)``; axis 1 is x (west → east), axis 0 is y (south → north).
``bed`` is the bed *elevation* ``z = -depth`` (m, positive up), so ``eta = h + z``.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float

from twinbench.core.boundaries import Boundary, Wall
from twinbench.core.forcing import SurfaceForcing
from twinbench.core.friction import Drag, FrictionLaw, NoFriction
from twinbench.core.porosity import Porosity


class Grid(eqx.Module):
    """A regular grid of ``ny × nx`` cells of size ``dx × dy`` (m). Static: hashable, not traced."""

    nx: int = eqx.field(static=True)
    ny: int = eqx.field(static=True)
    dx: float = eqx.field(static=True)
    dy: float = eqx.field(static=True)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    @property
    def cell_area(self) -> float:
        return self.dx * self.dy


class State(eqx.Module):
    """Prognostic state: depth ``h`` (m), discharges ``hu``, ``hv`` (m² s⁻¹) and time ``t`` (s)."""

    h: Float[Array, "ny nx"]
    hu: Float[Array, "ny nx"]
    hv: Float[Array, "ny nx"]
    t: Float[Array, ""]


class Boundaries(eqx.Module):
    """One boundary condition per side; walls by default."""

    west: Boundary = Wall()
    east: Boundary = Wall()
    south: Boundary = Wall()
    north: Boundary = Wall()


class Params(eqx.Module):
    """Everything a run depends on besides the grid and the initial state.

    Attributes
    ----------
    bed : bed elevation z (m, positive up, ``-depth``), ``(ny, nx)``.
    gravity : g (m s⁻²).
    friction : a :class:`~twinbench.core.friction.FrictionLaw` with its coefficient field.
    coriolis : Coriolis parameter f (s⁻¹), scalar or ``(ny, nx)``.
    viscosity : horizontal eddy viscosity ν (m² s⁻¹).
    dry_depth : depth (m) below which a cell is dry (no velocity).
    boundaries : the four side conditions with their value tables.
    forcing : surface stress and pressure, or ``None``.
    cfl : Courant number of the time step (≤ 0.5 keeps depths positive).
    max_dt : upper bound on the step (s), e.g. the spacing of forcing tables.
    porosity : the wet fraction of each cell and its face weights (:mod:`.porosity`), or
        ``None`` (every cell fully open).
    drag : canopy and pier drag fields (:class:`~twinbench.core.friction.Drag`), or ``None``.
    stages : stages s of the adaptive steps' strong-stability-preserving Runge–Kutta scheme
        (static): 2 is SSP-RK2 (Heun); s > 2 is SSPRK(s,2), s forward-Euler stages of
        Δt/(s − 1) each, so Δt is s − 1 times the CFL step (Ketcheson 2008). The fixed-Δt
        :func:`~twinbench.core.step` (and its adjoint) is SSP-RK2 whatever this says.
    banks : a wet cell next to a dry one whose bed stands above its surface (static):
        ``"hydrostatic"`` (default: Audusse's reconstruction alone, no flux and the cell's own
        pressure) or ``"wall"`` (where the coast follows the grid's faces, the face is a wall
        for the wet cell, George 2008: the cross-shore momentum is damped there;
        :func:`~twinbench.core.fluxes.bank_walls`).
    """

    bed: Float[Array, "ny nx"]
    gravity: Float[Array, ""]
    friction: FrictionLaw
    coriolis: Float[Array, ...]
    viscosity: Float[Array, ""]
    dry_depth: Float[Array, ""]
    boundaries: Boundaries
    forcing: SurfaceForcing | None
    cfl: Float[Array, ""]
    max_dt: Float[Array, ""]
    porosity: Porosity | None = None
    drag: Drag | None = None
    stages: int = eqx.field(static=True, default=2)
    banks: str = eqx.field(static=True, default="hydrostatic")


def default_params(bed: Array, **overrides) -> Params:
    """Params with the contract's defaults (g = 9.81, no friction, walls) for a bed elevation."""
    dtype = jnp.asarray(bed).dtype
    scalar = lambda v: jnp.asarray(v, dtype)  # noqa: E731
    values = dict(
        bed=jnp.asarray(bed),
        gravity=scalar(9.81),
        friction=NoFriction(),
        coriolis=scalar(0.0),
        viscosity=scalar(0.0),
        dry_depth=scalar(1e-6),
        boundaries=Boundaries(),
        forcing=None,
        cfl=scalar(0.45),
        max_dt=scalar(jnp.inf),
    )
    values.update(overrides)
    return Params(**values)
