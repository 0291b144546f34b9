"""Physics terms of the depth-averaged momentum equations, each a pure function.

The explicit tendency of the conserved variables (h, hu, hv) is the signed sum, written out in
:func:`tendency`:

    ∂h/∂t   = −∇·(hU)
    ∂(hu)/∂t = −∇·(hUu) − g h ∂η/∂x   (flux form, :mod:`twinbench.core.fluxes`)
              + f hv                 (Coriolis)
              + ∇·(ν h ∇u)           (horizontal viscosity)
              + τ_sx/ρ − (h/ρ) ∂p_a/∂x (surface stress and atmospheric pressure)
    and the same for hv with −f hu.

Bottom friction is applied in each stage, stable for any k (:mod:`twinbench.core.stepping`).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
from jaxtyping import Array

from twinbench.core.boundaries import Wall
from twinbench.core.fluxes import Directional, directional_tendency
from twinbench.core.forcing import SEAWATER_DENSITY
from twinbench.core.types import Grid, Params, State


class Primitive(NamedTuple):
    """Depth, free surface and velocities (zero where dry)."""

    h: Array
    eta: Array
    u: Array
    v: Array


def primitive(state: State, params: Params) -> Primitive:
    """Velocities ``u = hu/h`` in wet cells, 0 in dry ones (h ≤ dry_depth)."""
    wet = state.h > params.dry_depth
    inv_h = jnp.where(wet, 1.0 / jnp.where(wet, state.h, 1.0), 0.0)
    return Primitive(state.h, state.h + params.bed, state.hu * inv_h, state.hv * inv_h)


def coriolis(p: Primitive, params: Params) -> tuple[Array, Array]:
    """Coriolis acceleration of the discharge: ``(f hv, −f hu)`` (m² s⁻²)."""
    f = params.coriolis
    return f * p.h * p.v, -f * p.h * p.u


def _diffuse(q: Array, h: Array, nu: Array, grid: Grid) -> Array:
    """``∇·(ν h ∇q)`` with face depths as averages and no flux through the domain edges."""
    out = jnp.zeros_like(q)
    if grid.nx > 1:
        flux_x = nu * 0.5 * (h[:, 1:] + h[:, :-1]) * (q[:, 1:] - q[:, :-1]) / grid.dx
        zero = jnp.zeros_like(flux_x[:, :1])
        out = out + (jnp.concatenate([flux_x, zero], 1) - jnp.concatenate([zero, flux_x], 1)) / (
            grid.dx
        )
    if grid.ny > 1:
        flux_y = nu * 0.5 * (h[1:] + h[:-1]) * (q[1:] - q[:-1]) / grid.dy
        zero = jnp.zeros_like(flux_y[:1])
        out = out + (jnp.concatenate([flux_y, zero], 0) - jnp.concatenate([zero, flux_y], 0)) / (
            grid.dy
        )
    return out


def viscosity(p: Primitive, params: Params, grid: Grid) -> tuple[Array, Array]:
    """Horizontal eddy viscosity ``(∇·(ν h ∇u), ∇·(ν h ∇v))`` (m² s⁻²)."""
    return (
        _diffuse(p.u, p.h, params.viscosity, grid),
        _diffuse(p.v, p.h, params.viscosity, grid),
    )


def surface(p: Primitive, params: Params, grid: Grid, t: Array) -> tuple[Array, Array]:
    """Wind stress and the atmospheric pressure gradient: ``τ_s/ρ − (h/ρ) ∇p_a`` (m² s⁻²)."""
    stress_x, stress_y, pressure = params.forcing.at(t)
    pressure = jnp.broadcast_to(pressure, p.h.shape)
    grad_x = jnp.gradient(pressure, grid.dx, axis=1) if grid.nx > 1 else 0.0
    grad_y = jnp.gradient(pressure, grid.dy, axis=0) if grid.ny > 1 else 0.0
    wet = p.h > params.dry_depth
    fx = jnp.where(wet, (stress_x - p.h * grad_x) / SEAWATER_DENSITY, 0.0)
    fy = jnp.where(wet, (stress_y - p.h * grad_y) / SEAWATER_DENSITY, 0.0)
    return fx, fy


def _along(
    h, eta, un, ut, axis, spacing, low, high, t, g, dry_depth, porosity, banks="hydrostatic"
) -> Directional:
    """Tendencies along one axis; an axis one cell long between two walls carries no flow."""
    if h.shape[axis] == 1 and isinstance(low, Wall) and isinstance(high, Wall):
        zero = jnp.zeros_like(h)
        faces = list(h.shape)
        faces[axis] = 2
        return Directional(zero, zero, zero, zero, jnp.zeros(faces, h.dtype))
    weights = None if porosity is None else porosity.weights(axis)
    return directional_tendency(
        h, eta, un, ut, axis, spacing, low, high, t, g, dry_depth, weights, banks
    )


class Tendency(NamedTuple):
    """d/dt of (h, hu, hv), the stable-step rate Σ (wave speed / Δ) + 2ν Σ 1/Δ² (s⁻¹), and the
    face mass fluxes ``(x faces (ny, nx+1), y faces (ny+1, nx))`` the depth tendency comes from
    (the tracers' transport rides on them)."""

    dh: Array
    dhu: Array
    dhv: Array
    rate: Array
    mass: tuple[Array, Array] | None = None


def tendency(state: State, params: Params, grid: Grid) -> Tendency:
    """Explicit tendency of (h, hu, hv): the visible sum of every term but bottom friction."""
    p = primitive(state, params)
    g = params.gravity
    b = params.boundaries
    dry = params.dry_depth
    phi = params.porosity
    banks = params.banks
    x = _along(p.h, p.eta, p.u, p.v, 1, grid.dx, b.west, b.east, state.t, g, dry, phi, banks)
    y = _along(p.h, p.eta, p.v, p.u, 0, grid.dy, b.south, b.north, state.t, g, dry, phi, banks)
    cor_u, cor_v = coriolis(p, params)
    visc_u, visc_v = viscosity(p, params, grid)
    dh = x.dh + y.dh
    dhu = x.dhun + y.dhut + cor_u + visc_u
    dhv = x.dhut + y.dhun + cor_v + visc_v
    if params.forcing is not None:
        surf_u, surf_v = surface(p, params, grid, state.t)
        dhu = dhu + surf_u
        dhv = dhv + surf_v
    diffusive_rate = 2.0 * params.viscosity * (1.0 / grid.dx**2 + 1.0 / grid.dy**2)
    return Tendency(dh, dhu, dhv, x.rate + y.rate + diffusive_rate, (x.mass, y.mass))
