"""Finite-volume fluxes along one axis: MUSCL reconstruction, hydrostatic reconstruction, HLL.

For cell i with faces i−½ and i+½ along the axis (spacing Δ), the tendency is

    d(h)/dt  = −(F^h_{i+½} − F^h_{i−½}) / Δ
    d(hun)/dt = −[(F^n_{i+½} + P⁻_{i+½}) − (F^n_{i−½} + P⁺_{i−½})] / Δ
               − g (h⁺_{i−½} + h⁻_{i+½}) / 2 · (z⁻_{i+½} − z⁺_{i−½}) / Δ
    d(hut)/dt = −(F^t_{i+½} − F^t_{i−½}) / Δ

(Audusse et al. 2004, SIAM J. Sci. Comput. 25:2050, with the second-order centred bed term of
their §3; the scheme of SWASHES' reference solver). Superscripts ⁻/⁺ are the values
reconstructed on the left/right of a face; ``z = η − h`` there. At each face the bed is
``z* = max(z⁻, z⁺)`` and the depths ``h*± = max(η± − z*, 0)``; F is the HLL flux of those
states (Davis wave speeds), with the tangential momentum upwinded by the mass flux, and
``P± = g/2 (h±² − h*±²)`` restores the hydrostatic pressure each cell sees. This keeps a lake at
rest exactly at rest over any bed (wet or emerged), keeps depths non-negative for Courant
numbers ≤ ½, and is conservative: every face flux leaves one cell and enters its neighbour.

With ``banks="wall"`` (:func:`bank_walls`), a face where a wet cell meets a dry
bank standing above its surface, along a coast that follows the grid's faces, is a wall for
that cell (George 2008, J. Comput. Phys. 227:3089, the dry step of GeoClaw's solver): the HLL
flux of the wet face state and its mirror image, so the cross-shore momentum is damped as at
the domain's walls (docs/validation.md, finding 5). The steps of a staircase coast keep the
hydrostatic reconstruction (:func:`_along_the_grid`).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
from jax import lax
from jaxtyping import Array

from twinbench.core.boundaries import Boundary, FaceState

# Magnitudes below which a difference (m, m s⁻¹) or a wave-speed spread is treated as zero.
_TINY = 1e-12


class Directional(NamedTuple):
    """Tendencies of h, hun, hut along one axis and the largest wave speed / Δ per cell."""

    dh: Array
    dhun: Array
    dhut: Array
    rate: Array
    mass: Array | None = None  # the mass flux at the n + 1 faces (what tracers ride on)


def differences(q: Array, axis: int) -> tuple[Array, Array]:
    """Backward and forward differences of cell values along ``axis`` (zero beyond the ends)."""
    n = q.shape[axis]
    padded = jnp.concatenate(
        [lax.slice_in_dim(q, 0, 1, axis=axis), q, lax.slice_in_dim(q, n - 1, n, axis=axis)],
        axis=axis,
    )
    backward = q - lax.slice_in_dim(padded, 0, n, axis=axis)
    forward = lax.slice_in_dim(padded, 2, n + 2, axis=axis) - q
    return backward, forward


def van_leer(backward: Array, forward: Array) -> Array:
    """Van Leer's limited slope ``s = (a|b| + |a|b) / (|a| + |b|)`` of the differences a, b:
    second order where the field is smooth, zero at extrema, and ``|s|/2 ≤ min(|a|, |b|)`` so
    the reconstructed depth stays non-negative."""
    num = backward * jnp.abs(forward) + jnp.abs(backward) * forward
    den = jnp.abs(backward) + jnp.abs(forward)
    # Below _TINY the differences are round-off (or velocities decaying in a drying cell) and
    # |num| ≤ den²/2 makes the slope negligible. Flooring den (rather than `den > 0`) keeps
    # subnormal denominators out: their square underflows in the derivative (0 · ∞ = NaN).
    return num / jnp.maximum(den, _TINY)


def limited_slope(q: Array, axis: int) -> Array:
    """Van Leer-limited undivided slope of cell values along ``axis`` (zero in boundary cells)."""
    return van_leer(*differences(q, axis))


# The detectors of :func:`depth_slope`, in units of the shallowest of the three depths: the
# largest free-surface step to a neighbour (all surface slope below SMOOTH, all depth slope
# above SHOCK) and the centred bed drop per cell (GENTLE, STEEP).
SMOOTH, SHOCK = 0.15, 0.4
GENTLE, STEEP = 0.1, 0.3


def ramp(shallowest: Array, x: Array, low: float, high: float) -> Array:
    """1 where x ≤ low · shallowest, 0 where x ≥ high · shallowest, linear between; 0 where
    the shallowest depth is 0 (``(high − x/shallowest)/(high − low)`` without dividing by it)."""
    span = jnp.maximum((high - low) * shallowest, _TINY)
    return jnp.clip((high * shallowest - x) / span, 0.0, 1.0)


def depth_slope(
    slope_h: Array, slope_eta: Array, h: Array, h_diff: tuple[Array, Array],
    eta_diff: tuple[Array, Array],
) -> Array:  # fmt: skip
    """The depth slope: the free surface's where the flow is smooth over a gentle bed, the
    depth's own at jumps, over steep beds and next to dry cells.

    Audusse et al. (2004) limit h and η separately; where the depth is nearly uniform (a
    near-critical channel) the van Leer slope of h switches to zero at every millimetre-level
    extremum while η's does not, so the face beds ``z± = η± − h±`` leave the smooth bed and
    the steady state keeps a grid-scale zig-zag (docs/validation.md, findings 2 and 3). The
    surface-gradient method (Zhou et al. 2001, J. Comput. Phys. 168:1) instead takes
    ``s_h = s_η − s_z`` with s_z the centred bed difference, kept within ``|s_h| ≤ 2h`` so the
    face depths stay ≥ 0. It disturbs the cells of a hydraulic jump and shallow water over a
    steep bed, so two detectors blend it back to the depth's own slope: with m the smallest of
    the three depths (cells i − 1, i, i + 1), the surface slope's weight is
    ``ramp(max |Δη| / m; SMOOTH, SHOCK) · ramp(|s_z| / m; GENTLE, STEEP)``, each ramp falling
    linearly from 1 to 0 between its bounds (0 next to a dry cell). Smooth flow over a smooth
    bed has both ratios O(Δx), so it gets the surface slope on fine enough grids; a jump keeps
    its ratio O(1). A lake at rest has s_η = 0 either way (well-balanced). Slopes here are
    undivided (differences per cell); ``h_diff`` and ``eta_diff`` are the (backward, forward)
    :func:`differences` of h and η.
    """
    (h_back, h_fwd), (eta_back, eta_fwd) = h_diff, eta_diff
    bed_change = (eta_fwd - h_fwd) + (eta_back - h_back)  # twice the centred bed slope
    surface = jnp.clip(slope_eta - 0.5 * bed_change, -2.0 * h, 2.0 * h)
    step = jnp.maximum(jnp.abs(eta_back), jnp.abs(eta_fwd))
    shallowest = h + jnp.minimum(jnp.minimum(-h_back, h_fwd), 0.0)  # min of the three depths
    weight = ramp(shallowest, step, SMOOTH, SHOCK) * ramp(
        shallowest, 0.5 * jnp.abs(bed_change), GENTLE, STEEP
    )
    return slope_h + weight * (surface - slope_h)


def _boundary_depth_slope(slope_h: Array, h: Array, eta: Array, axis: int) -> Array:
    """Depth slope of the two boundary cells such that the reconstructed bed continues the bed
    slope of the adjacent cells up to the domain edge (their free surface is first order).

    With zero η slope there, ``z = η − h`` varies like the one-sided bed difference; the face
    depth is kept ≥ 0 where the bed rises steeply towards the edge.
    """
    n = h.shape[axis]
    bed = eta - h
    take = lambda a, i: lax.slice_in_dim(a, i, i + 1, axis=axis)  # noqa: E731
    rise_low = take(bed, 1) - take(bed, 0)
    rise_high = take(bed, n - 1) - take(bed, n - 2)
    # Face depths h ∓ s/2 must stay ≥ 0: |s| ≤ 2h on the side where the depth shrinks.
    low = jnp.clip(-rise_low, -2.0 * take(h, 0), 2.0 * take(h, 0))
    high = jnp.clip(-rise_high, -2.0 * take(h, n - 1), 2.0 * take(h, n - 1))
    index = lax.broadcasted_iota(jnp.int32, h.shape, axis)
    return jnp.where(index == 0, low, jnp.where(index == n - 1, high, slope_h))


BANKS = ("hydrostatic", "wall")  # the treatments of a wet cell next to a higher dry one


def bank_walls(
    h: Array, eta: Array, left: FaceState, right: FaceState, axis: int, gravity, dry_depth
) -> tuple[Array, Array]:
    """Faces 0..n along ``axis`` where a wet cell meets a dry bank that acts as a wall:
    ``(bank_left, bank_right)``, the dry cell on that side of the face.

    A bank is a dry cell (h ≤ ``dry_depth``) whose bed stands above the wet neighbour's
    surface, and whose face bed the wet face state would not run over (η + max(u_n, 0) √(h/g)
    ≤ the bank's face bed, u_n towards the bank: otherwise the bank floods as before).
    Boundary faces are never banks.
    """
    n = h.shape[axis]
    if n < 2:
        none = jnp.zeros(left.h.shape, bool)
        return none, none
    cell_l = lambda a: lax.slice_in_dim(a, 0, n - 1, axis=axis)  # noqa: E731
    cell_r = lambda a: lax.slice_in_dim(a, 1, n, axis=axis)  # noqa: E731
    inner = lambda a: lax.slice_in_dim(a, 1, n, axis=axis)  # noqa: E731 — faces 1..n−1
    wet_l, wet_r = cell_l(h) > dry_depth, cell_r(h) > dry_depth
    eta_l, eta_r = cell_l(eta), cell_r(eta)
    fl, fr = FaceState(*map(inner, left)), FaceState(*map(inner, right))
    bank_r = wet_l & ~wet_r & (eta_r > eta_l) & _stays_below(fl, fr.eta - fr.h, gravity)
    bank_l = wet_r & ~wet_l & (eta_l > eta_r) & _stays_below(_flip(fr), fl.eta - fl.h, gravity)
    return _along_the_grid(bank_l, axis), _along_the_grid(bank_r, axis)


def _stays_below(wet: FaceState, bank_bed: Array, gravity) -> Array:
    """η + max(u_n, 0) √(h/g) ≤ the bank's face bed, without the square root: the bed at or
    above η and max(u_n, 0)² h ≤ g (bed − η)²."""
    freeboard = bank_bed - wet.eta
    towards = jnp.maximum(wet.un, 0.0)
    return (freeboard >= 0.0) & (towards * towards * wet.h <= gravity * freeboard * freeboard)


def _along_the_grid(bank: Array, axis: int) -> Array:
    """The inner faces' banks (faces 1..n−1 along ``axis``) on faces 0..n (the boundary faces
    never banks), kept where the faces beside them across the axis (at the domain's edge the
    face itself) are banks on the same side: a coast that follows the grid's faces.

    A staircase coast (a shore at an angle to the grid) is left to the hydrostatic
    reconstruction: its steps' faces carry the along-shore flow's component normal to them, and
    a wall there would reflect it at every step (a frictionless 45° channel five cells wide
    kept 4.5 % of its seiche's amplitude after two periods with walls at the steps, 92 %
    without; ``tests/physics/test_staircase_coast.py``).

    One ``lax.pad`` and one ``reduce_window`` (a minimum over three faces across the axis,
    padded with 1 so that an edge face is its own neighbour) on int8: the same masks as
    padding and slicing booleans at half the cost in the tendency (500 m Gironde).
    """
    to_faces = [(1, 1, 0) if k == axis else (0, 0, 0) for k in range(bank.ndim)]
    bank = lax.pad(bank.astype(jnp.int8), jnp.int8(0), to_faces)
    for other in range(bank.ndim):
        if other == axis or bank.shape[other] == 1:
            continue
        window = tuple(3 if k == other else 1 for k in range(bank.ndim))
        padding = tuple((1, 1) if k == other else (0, 0) for k in range(bank.ndim))
        bank = lax.reduce_window(bank, jnp.int8(1), lax.min, window, (1,) * bank.ndim, padding)
    return bank > 0


def wall_fluxes(
    fluxes,
    left: FaceState,
    right: FaceState,
    bank_left: Array,
    bank_right: Array,
    gravity,
    dry_depth,
):
    """The HLL fluxes ``(mass, normal, tangential, P⁻, P⁺)`` with the banks' faces replaced by
    walls, and the wave speed of a wall at every face (used at the banks' faces only).

    At a bank the flux is that of the wet face state (h, u_n towards the bank) against its
    mirror image (h, −u_n), in closed form: Davis speeds ∓(|u_n| + c), so no mass or tangential
    flux and the normal flux ``h u_n² + g h²/2 + (|u_n| + c) h u_n`` (the wall's pressure and
    its damping of the normal momentum), with the wet side's P = g/2 (h² − h*²) of the
    hydrostatic reconstruction against its own bed; the bank takes nothing from the face (its
    P cancels the normal flux). The same numbers as :func:`hll_flux` of the mirrored pair to
    round-off, without making the face states depend on the masks.
    """
    mass, normal, tangential, p_left, p_right = fluxes
    wet = FaceState(*(jnp.where(bank_right, lf, rf) for lf, rf in zip(left, right, strict=True)))
    towards = jnp.where(bank_right, wet.un, -wet.un)  # the wet side's velocity towards the bank
    h_star = jnp.maximum(wet.eta - (wet.eta - wet.h), 0.0)
    h_star = jnp.where(h_star > dry_depth, h_star, 0.0)
    speed = jnp.abs(towards) + jnp.sqrt(gravity) * jnp.sqrt(h_star)
    wall = h_star * towards * towards + 0.5 * gravity * h_star * h_star + speed * h_star * towards
    p_wet = 0.5 * gravity * (wet.h * wet.h - h_star * h_star)
    bank = bank_left | bank_right
    return (
        jnp.where(bank, 0.0, mass),
        jnp.where(bank, wall, normal),
        jnp.where(bank, 0.0, tangential),
        jnp.where(bank_left, -wall, jnp.where(bank_right, p_wet, p_left)),
        jnp.where(bank_right, -wall, jnp.where(bank_left, p_wet, p_right)),
    ), speed


def hll_flux(left: FaceState, right: FaceState, gravity: Array, dry_depth: Array | float = 0.0):
    """Hydrostatically reconstructed HLL flux at faces (normal velocity ``un``).

    Returns mass flux, normal and tangential momentum fluxes, the pressure corrections
    ``P⁻``, ``P⁺`` for the cells left and right of the face, and the largest wave speed.
    """
    bed_left = left.eta - left.h
    bed_right = right.eta - right.h
    bed_star = jnp.maximum(bed_left, bed_right)
    h_left = jnp.maximum(left.eta - bed_star, 0.0)
    h_right = jnp.maximum(right.eta - bed_star, 0.0)
    # A face layer thinner than the dry depth carries nothing: dry cells do not flow, and the
    # celerity's derivative g/(2c) stays bounded, so gradients through drying fronts stay finite.
    h_left = jnp.where(h_left > dry_depth, h_left, 0.0)
    h_right = jnp.where(h_right > dry_depth, h_right, 0.0)

    # √ is safe to differentiate here: a zero h_left comes from the `where` above, whose
    # derivative masks √'s infinite one; √g is taken apart so ∂c/∂g = √h/(2√g) stays 0 (not
    # 0·∞) on dry faces.
    root_g = jnp.sqrt(gravity)
    c_left = root_g * jnp.sqrt(h_left)
    c_right = root_g * jnp.sqrt(h_right)
    s_left = jnp.minimum(jnp.minimum(left.un - c_left, right.un - c_right), 0.0)
    s_right = jnp.maximum(jnp.maximum(left.un + c_left, right.un + c_right), 0.0)
    # Both states dry when the spread vanishes: every numerator below is then 0.
    spread = jnp.maximum(s_right - s_left, _TINY)

    q_left = h_left * left.un
    q_right = h_right * right.un
    half_g = 0.5 * gravity
    mom_left = q_left * left.un + half_g * h_left * h_left
    mom_right = q_right * right.un + half_g * h_right * h_right

    # Divisions rather than products with one reciprocal: XLA:CPU never duplicates a division
    # into several consumers, so each flux is computed and stored once per face instead of being
    # recomputed (HLL solver and all) inside every update that reads it (1.2–1.3× per step).
    mass = (s_right * q_left - s_left * q_right + s_left * s_right * (h_right - h_left)) / spread
    normal = s_right * mom_left - s_left * mom_right + s_left * s_right * (q_right - q_left)
    normal = normal / spread
    tangential = upwind(mass, left.ut, right.ut)
    pressure_left = half_g * (left.h * left.h - h_left * h_left)
    pressure_right = half_g * (right.h * right.h - h_right * h_right)
    wave_speed = jnp.maximum(-s_left, s_right)
    return mass, normal, tangential, pressure_left, pressure_right, wave_speed


def porosity_pressure(h_lower: Array, h_upper: Array, w_low: Array, w_high: Array, gravity):
    """The cell's own face pressures left unbalanced by face porosities:
    ``(w⁺ − 1) g h⁺²/2 − (w⁻ − 1) g h⁻²/2`` (:mod:`twinbench.core.porosity`)."""
    return 0.5 * gravity * ((w_high - 1.0) * h_upper * h_upper - (w_low - 1.0) * h_lower * h_lower)


def upwind(mass: Array, left: Array, right: Array) -> Array:
    """Flux of a quantity carried by the mass flux: the upwind side's value times the flux."""
    return 0.5 * (mass * (left + right) - jnp.abs(mass) * (right - left))


def _impose_inflow(mass: Array, low: Boundary, high: Boundary, t: Array, axis: int, n: int):
    """Replace the mass flux at boundary faces that impose an inflow by that inflow, exactly."""
    faces = [mass]
    if low.imposes_inflow:
        q = jnp.broadcast_to(low.inflow(t), lax.slice_in_dim(mass, 0, 1, axis=axis).shape)
        first = lax.slice_in_dim(mass, 0, 1, axis=axis)
        rest = lax.slice_in_dim(mass, 1, n + 1, axis=axis)
        faces = [jnp.where(q > 0.0, q, first), rest]
    if high.imposes_inflow:
        q = jnp.broadcast_to(high.inflow(t), lax.slice_in_dim(mass, 0, 1, axis=axis).shape)
        body = jnp.concatenate(faces, axis=axis) if len(faces) > 1 else faces[0]
        last = lax.slice_in_dim(body, n, n + 1, axis=axis)
        faces = [lax.slice_in_dim(body, 0, n, axis=axis), jnp.where(q > 0.0, -q, last)]
    return jnp.concatenate(faces, axis=axis)


def _flip(face: FaceState) -> FaceState:
    """Express a face state in the frame of the opposite side (normal velocity reversed)."""
    return FaceState(face.h, face.eta, -face.un, face.ut)


def face_states(
    h: Array,
    eta: Array,
    un: Array,
    ut: Array,
    axis: int,
    low: Boundary,
    high: Boundary,
    t: Array,
    gravity: Array,
) -> tuple[FaceState, FaceState, FaceState, FaceState]:
    """MUSCL face values of the cells along ``axis`` and the states either side of each face.

    Returns ``(lower_face, upper_face, left, right)``: each cell's values at its i−½ and i+½
    faces, then the left and right states at faces 0..n (the boundaries' outer states at both
    ends).
    """
    n = h.shape[axis]
    cells = (h, eta, un, ut)
    diffs = [differences(q, axis) for q in cells]
    slopes = [van_leer(*d) for d in diffs]
    slopes[0] = depth_slope(slopes[0], slopes[1], h, diffs[0], diffs[1])
    if n > 1:
        slopes[0] = _boundary_depth_slope(slopes[0], h, eta, axis)
    slopes = [0.5 * s for s in slopes]  # half slopes: cell centre to face
    lower_face = FaceState(
        *(q - s for q, s in zip(cells, slopes, strict=True))
    )  # value at i−½ (⁺ side)
    upper_face = FaceState(
        *(q + s for q, s in zip(cells, slopes, strict=True))
    )  # value at i+½ (⁻ side)

    first = lambda a: lax.slice_in_dim(a, 0, 1, axis=axis)  # noqa: E731
    last = lambda a: lax.slice_in_dim(a, n - 1, n, axis=axis)  # noqa: E731
    inner_low = FaceState(*map(first, lower_face))
    inner_high = _flip(FaceState(*map(last, upper_face)))
    outer_low = low.outer(inner_low, t, gravity)
    outer_high = _flip(high.outer(inner_high, t, gravity))
    outer_low = FaceState(
        *(jnp.broadcast_to(o, i.shape) for o, i in zip(outer_low, inner_low, strict=True))
    )
    outer_high = FaceState(
        *(
            jnp.broadcast_to(o, i.shape)
            for o, i in zip(outer_high, map(last, upper_face), strict=True)
        )
    )

    # Faces 0..n: left states are the upper faces of cells −1..n−1, right states the lower
    # faces of cells 0..n.
    left = FaceState(
        *(jnp.concatenate([o, f], axis=axis) for o, f in zip(outer_low, upper_face, strict=True))
    )
    right = FaceState(
        *(jnp.concatenate([f, o], axis=axis) for f, o in zip(lower_face, outer_high, strict=True))
    )
    return lower_face, upper_face, left, right


def directional_tendency(
    h: Array,
    eta: Array,
    un: Array,
    ut: Array,
    axis: int,
    spacing: float,
    low: Boundary,
    high: Boundary,
    t: Array,
    gravity: Array,
    dry_depth: Array | float = 0.0,
    weights: tuple[Array, Array] | None = None,
    banks: str = "hydrostatic",
) -> Directional:
    """Flux-divergence and bed-slope tendencies along ``axis`` (see the module docstring).

    ``un`` is the velocity along the axis, ``ut`` across it; ``low``/``high`` are the boundaries
    at the start and end of the axis (west/east for x, south/north for y). ``weights`` are the
    porosity weights ``(w_low, w_high)`` of each cell's two faces (:mod:`.porosity`), or ``None``.
    ``banks="wall"`` makes dry banks above a wet cell's surface walls (:func:`bank_walls`).
    """
    n = h.shape[axis]
    lower_face, upper_face, left, right = face_states(h, eta, un, ut, axis, low, high, t, gravity)
    mass, normal, tangential, p_left, p_right, wave_speed = hll_flux(
        left, right, gravity, dry_depth
    )
    if banks == "wall":
        bank_left, bank_right = bank_walls(h, eta, left, right, axis, gravity, dry_depth)
        (mass, normal, tangential, p_left, p_right), wall_speed = wall_fluxes(
            (mass, normal, tangential, p_left, p_right), left, right, bank_left, bank_right,
            gravity, dry_depth,
        )  # fmt: skip
        wave_speed = jnp.where(bank_left | bank_right, wall_speed, wave_speed)
    if low.imposes_inflow or high.imposes_inflow:
        mass = _impose_inflow(mass, low, high, t, axis, n)
        tangential = upwind(mass, left.ut, right.ut)

    hi = lambda a: lax.slice_in_dim(a, 1, n + 1, axis=axis)  # noqa: E731 — face i+½ of cell i
    lo = lambda a: lax.slice_in_dim(a, 0, n, axis=axis)  # noqa: E731 — face i−½ of cell i
    inv_spacing = 1.0 / spacing
    bed_slope_term = (
        -0.5
        * gravity
        * (lower_face.h + upper_face.h)
        * ((upper_face.eta - upper_face.h) - (lower_face.eta - lower_face.h))
    )
    if weights is None:
        dh = -(hi(mass) - lo(mass)) * inv_spacing
        dhun = (-((hi(normal) + hi(p_left)) - (lo(normal) + lo(p_right))) + bed_slope_term) * (
            inv_spacing
        )
        dhut = -(hi(tangential) - lo(tangential)) * inv_spacing
    else:
        w_low, w_high = weights
        dh = -(w_high * hi(mass) - w_low * lo(mass)) * inv_spacing
        dhun = (
            -(w_high * (hi(normal) + hi(p_left)) - w_low * (lo(normal) + lo(p_right)))
            + porosity_pressure(lower_face.h, upper_face.h, w_low, w_high, gravity)
            + bed_slope_term
        ) * inv_spacing
        dhut = -(w_high * hi(tangential) - w_low * lo(tangential)) * inv_spacing
    if weights is None:
        rate = jnp.maximum(hi(wave_speed), lo(wave_speed)) * inv_spacing
    else:  # a face weighted above 1 (dual porosity) empties its cell faster
        rate = jnp.maximum(
            hi(wave_speed) * jnp.maximum(w_high, 1.0), lo(wave_speed) * jnp.maximum(w_low, 1.0)
        )
        rate = rate * inv_spacing
    return Directional(dh, dhun, dhut, rate, mass)
