"""Tracers carried by the engine's own face mass fluxes: advection–diffusion of h·c.

A tracer of depth-averaged concentration c is stored as its content per unit area
``m = h c`` (e.g. g kg⁻¹ · m for salinity, kg m⁻² for suspended sediment). Over one stage of
the hydrodynamic step, with ``F^h`` the mass fluxes (m² s⁻¹) of that very stage at each face,

    m_i ← m_i − Δt Σ_faces (F^h c_face − K h_face ∂c/∂n) / Δ          (advection, diffusion)

where ``c_face`` is the upwind value of a van Leer–limited MUSCL reconstruction of c (the
engine's :func:`~twinbench.core.fluxes.limited_slope`), ``h_face = min(h⁻, h⁺)`` (no diffusion
into or out of dry cells), and boundary faces take the side's concentration where water enters
(the inner value where it leaves; walls carry no flux). Because the same ``F^h`` moves the water
(``h ← h − Δt Σ F^h / Δ``), a uniform c stays uniform to round-off, wet or drying (consistency
with continuity, Audusse & Bristeau 2003, *ESAIM: M2AN* 37:389). Every face flux leaves
one cell and enters its neighbour, so Σ m is conserved up to boundary fluxes. Positivity: the
fluxes leaving a cell are scaled down (by the same factor for all of them) where they would take
more than the cell holds — the face flux then still leaves one cell and enters the other, so the
scaling keeps conservation and makes ``m ≥ 0`` for any step; it is inactive (factor 1) in
ordinary flow.
"""

from __future__ import annotations

import equinox as eqx
import jax.numpy as jnp
from jax import lax
from jaxtyping import Array, Float

from twinbench.core.boundaries import Wall
from twinbench.core.fluxes import (
    _impose_inflow,
    bank_walls,
    face_states,
    hll_flux,
    limited_slope,
    upwind,
)
from twinbench.core.porosity import Porosity
from twinbench.core.tables import sample
from twinbench.core.terms import primitive
from twinbench.core.types import Grid, Params, State

SIDES = ("west", "east", "south", "north")


class Inflow(eqx.Module):
    """Concentration of the water entering through one side: a table over ``times`` (s).

    ``values`` is ``(nt, a, b)``, shaped like the side's faces — ``(n, 1)`` on west/east,
    ``(1, n)`` on south/north, ``(1, 1)`` for one value — in the tracer's units.
    """

    times: Float[Array, " nt"]
    values: Float[Array, "nt a b"]
    #: The water beyond the side also mixes in by diffusion: c is then a Dirichlet value at the
    #: face for the diffusive flux too (a sea). A river inflow carries its load by advection
    #: only (Danckwerts' condition): ``mixing=False``.
    mixing: bool = eqx.field(default=True, static=True)

    def at(self, t: Array) -> Array:
        return sample(self.times, self.values, t)


def constant_inflow(value, dtype=None, mixing: bool = True) -> Inflow:
    """An :class:`Inflow` of one constant concentration (a number, or an array shaped like the
    side's faces)."""
    values = jnp.asarray(value, dtype)
    values = values.reshape(1, 1, 1) if values.ndim == 0 else values[None]
    return Inflow(jnp.zeros(1, values.dtype), values, mixing)


class TracerBoundaries(eqx.Module):
    """Inflow concentration per side; ``None`` lets inflow carry the adjacent cell's value."""

    west: Inflow | None = None
    east: Inflow | None = None
    south: Inflow | None = None
    north: Inflow | None = None


class Transport(eqx.Module):
    """How one tracer moves: horizontal diffusivity K (m² s⁻¹) and its side concentrations."""

    diffusivity: Float[Array, ""]
    boundaries: TracerBoundaries = TracerBoundaries()


class FaceFluxes(eqx.Module):
    """Mass fluxes F^h (m² s⁻¹) at x faces ``(ny, nx+1)`` and y faces ``(ny+1, nx)``."""

    x: Float[Array, "ny nxp1"]
    y: Float[Array, "nyp1 nx"]


def _face_mass_flux(
    h, eta, un, ut, axis, spacing, low, high, t, gravity, dry_depth, banks="hydrostatic"
) -> Array:
    """Mass flux at the n+1 faces along ``axis``: the ``mass`` of
    :func:`~twinbench.core.fluxes.directional_tendency`, built from the same pieces in the same
    order (so that its divergence is the depth tendency to round-off)."""
    n = h.shape[axis]
    if n == 1 and isinstance(low, Wall) and isinstance(high, Wall):
        shape = list(h.shape)
        shape[axis] = 2
        return jnp.zeros(shape, h.dtype)
    _, _, left, right = face_states(h, eta, un, ut, axis, low, high, t, gravity)
    mass = hll_flux(left, right, gravity, dry_depth)[0]
    if banks == "wall":  # a bank's wall passes no water (fluxes.wall_fluxes)
        bank_left, bank_right = bank_walls(h, eta, left, right, axis, gravity, dry_depth)
        mass = jnp.where(bank_left | bank_right, 0.0, mass)
    if low.imposes_inflow or high.imposes_inflow:
        mass = _impose_inflow(mass, low, high, t, axis, n)
    return mass


def face_mass_fluxes(state: State, params: Params, grid: Grid) -> FaceFluxes:
    """The face mass fluxes of the stage that starts from ``state`` (those of
    :func:`~twinbench.core.terms.tendency`: ``dh = −Σ_axes ΔF/Δ`` to round-off)."""
    p = primitive(state, params)
    g, b, dry, banks = params.gravity, params.boundaries, params.dry_depth, params.banks
    fx = _face_mass_flux(p.h, p.eta, p.u, p.v, 1, grid.dx, b.west, b.east, state.t, g, dry, banks)
    fy = _face_mass_flux(p.h, p.eta, p.v, p.u, 0, grid.dy, b.south, b.north, state.t, g, dry, banks)
    return FaceFluxes(fx, fy)


def concentration(content: Array, h: Array, dry_depth: Array | float) -> Array:
    """c = m / h in wet cells, 0 in dry ones (h ≤ dry_depth)."""
    wet = h > dry_depth
    return jnp.where(wet, content / jnp.where(wet, h, 1.0), 0.0)


def _outer_value(inflow: Inflow | None, inner: Array, t: Array) -> Array:
    if inflow is None:
        return inner
    return jnp.broadcast_to(inflow.at(t), inner.shape).astype(inner.dtype)


def _boundary_diffusion(inflow: Inflow | None, c_cell, h_cell, diffusivity, spacing, t, sign):
    """Diffusive flux (along the axis) through a side whose outer water mixes in: the side's
    concentration is held at the face, half a cell from the centre; 0 otherwise."""
    if inflow is None or not inflow.mixing:
        return jnp.zeros_like(c_cell)
    c_out = _outer_value(inflow, c_cell, t)
    return sign * diffusivity * h_cell * (c_cell - c_out) / (0.5 * spacing)


def _axis_fluxes(c, h_wet, mass, axis, spacing, low, high, diffusivity, t) -> Array:
    """Advective + diffusive tracer flux at the n+1 faces along ``axis`` (content × m s⁻¹)."""
    n = c.shape[axis]
    half_slope = 0.5 * limited_slope(c, axis)
    lower, upper = c - half_slope, c + half_slope
    first = lambda a: lax.slice_in_dim(a, 0, 1, axis=axis)  # noqa: E731
    last = lambda a: lax.slice_in_dim(a, n - 1, n, axis=axis)  # noqa: E731
    left = jnp.concatenate([_outer_value(low, first(lower), t), upper], axis=axis)
    right = jnp.concatenate([lower, _outer_value(high, last(upper), t)], axis=axis)
    flux = upwind(mass, left, right)
    # No diffusion into or out of dry cells: the face depth is the shallower wet one.
    inner = []
    if n > 1:
        h_face = jnp.minimum(
            lax.slice_in_dim(h_wet, 1, n, axis=axis), lax.slice_in_dim(h_wet, 0, n - 1, axis=axis)
        )
        gradient = (
            lax.slice_in_dim(c, 1, n, axis=axis) - lax.slice_in_dim(c, 0, n - 1, axis=axis)
        ) / spacing
        inner = [-diffusivity * h_face * gradient]
    low_side = _boundary_diffusion(low, first(c), first(h_wet), diffusivity, spacing, t, -1.0)
    high_side = _boundary_diffusion(high, last(c), last(h_wet), diffusivity, spacing, t, 1.0)
    return flux + jnp.concatenate([low_side, *inner, high_side], axis=axis)


def _donor_scaling(flux: Array, axis: int, ratio: Array) -> Array:
    """Scale each face flux by the ratio of the cell it leaves (its donor); a flux entering
    from outside the domain is never scaled."""
    one = jnp.ones_like(lax.slice_in_dim(ratio, 0, 1, axis=axis))
    left_cell = jnp.concatenate([one, ratio], axis=axis)  # cell left of each face
    right_cell = jnp.concatenate([ratio, one], axis=axis)
    return flux * jnp.where(flux > 0.0, left_cell, right_cell)


def _outgoing(flux: Array, axis: int) -> Array:
    """Per cell: Σ of the fluxes leaving it through its two faces along ``axis`` (≥ 0)."""
    n = flux.shape[axis] - 1
    low_face = lax.slice_in_dim(flux, 0, n, axis=axis)
    high_face = lax.slice_in_dim(flux, 1, n + 1, axis=axis)
    return jnp.maximum(high_face, 0.0) + jnp.maximum(-low_face, 0.0)


def _divergence(flux: Array, axis: int, spacing: float) -> Array:
    n = flux.shape[axis] - 1
    return (
        lax.slice_in_dim(flux, 1, n + 1, axis=axis) - lax.slice_in_dim(flux, 0, n, axis=axis)
    ) / spacing


def transport_stage(
    h_old: Float[Array, "ny nx"],
    fluxes: FaceFluxes,
    content: Float[Array, "ny nx"],
    transport: Transport,
    grid: Grid,
    dt: Array,
    t: Array,
    dry_depth: Array | float,
    porosity: Porosity | None = None,
) -> Float[Array, "ny nx"]:
    """Content ``m = h c`` after one forward-Euler stage of Δt on the stage's mass fluxes.

    A pure function of the stage's input depth ``h_old`` (m), its face mass fluxes, the content
    (concentration × m) and the tracer's transport settings; ``t`` (s) is the stage's time (for
    the boundary tables). The new concentration is ``m / h_new`` with the stage's new depth.
    With a ``porosity``, face fluxes are weighted by the face porosity and a cell's balance is
    divided by its own (the ``φ h c`` budget, as the depth's).
    """
    h_wet = jnp.where(h_old > dry_depth, h_old, 0.0)
    # Any water the hydrodynamics moves carries its concentration, however thin the layer (a
    # cell below the dry depth may still pass water through a reconstructed face).
    c = concentration(content, h_old, 0.0)
    k = transport.diffusivity
    b = transport.boundaries
    flux_x = _axis_fluxes(c, h_wet, fluxes.x, 1, grid.dx, b.west, b.east, k, t)
    flux_y = _axis_fluxes(c, h_wet, fluxes.y, 0, grid.dy, b.south, b.north, k, t)
    if porosity is not None:
        flux_x, flux_y = flux_x * porosity.x_face, flux_y * porosity.y_face
    outgoing = dt * (_outgoing(flux_x, 1) / grid.dx + _outgoing(flux_y, 0) / grid.dy)
    if porosity is not None:
        outgoing = outgoing / porosity.cell
    available = jnp.maximum(content, 0.0)
    excess = outgoing > available
    ratio = jnp.where(excess, available / jnp.where(excess, outgoing, 1.0), 1.0)
    flux_x = _donor_scaling(flux_x, 1, ratio)
    flux_y = _donor_scaling(flux_y, 0, ratio)
    divergence = _divergence(flux_x, 1, grid.dx) + _divergence(flux_y, 0, grid.dy)
    if porosity is not None:
        divergence = divergence / porosity.cell
    new = content - dt * divergence
    # The scaling leaves at most round-off below zero.
    return jnp.maximum(new, 0.0)


def diffusive_rate(transports, grid: Grid, porosity: Porosity | None = None) -> Array:
    """The stable-step rate of explicit diffusion, ``2 max K Σ 1/Δ²`` (s⁻¹), times the largest
    face weight above 1 of a dual porosity (a cell's faces then pass more than it stores)."""
    if not transports:
        return jnp.asarray(0.0)
    k = jnp.max(jnp.stack([jnp.asarray(t.diffusivity) for t in transports]))
    rate = 2.0 * k * (1.0 / grid.dx**2 + 1.0 / grid.dy**2)
    if porosity is not None:
        rate = rate * porosity.largest_weight
    return rate
