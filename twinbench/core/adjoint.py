"""Hand-written adjoint of one step and the reverse loop of :func:`core.run`.

``jax.grad`` through the step works (and is the reference of the tests) but XLA compiles its
transpose slowly and runs it at 7× (two-level checkpointing) to 20× the forward cost. Here the
step is split into the pieces it is made of and each is transposed in the form XLA:CPU runs
best (docs/performance.md, "What moved the gradient"):

* the HLL face flux (:func:`_hll_backward`) and the van Leer reconstruction
  (:meth:`_Axis.reconstruction_backward`) are transposed by hand, with ``jax``'s derivative
  conventions at the kinks, as few fused expressions;
* the other pointwise maps — primitives, boundary outer states, the inflow substitution,
  Coriolis/viscosity/surface sources, the stage update with friction — are differentiated with
  ``jax.vjp`` of the *same* core functions on whole arrays;
* the flux differences into cells and the concatenation of boundary and interior face states
  are transposed by hand as slices and pads (``f[1:] − f[:-1]`` ↦ ``pad(c, 1, 0) − pad(c, 0, 1)``);
* the Newton solve of a subcritical :class:`Discharge` is differentiated by the implicit
  function theorem on its root (in :mod:`twinbench.core.boundaries`).

The backward of a step recomputes the first stage from the stored step input, then runs the
two stage adjoints (each recomputing its stage) as a two-trip reverse loop. The arrays that
stencils read are stored once (:func:`_stored`). :func:`run` wraps the whole fixed-step loop in
a ``jax.custom_vjp``: the forward pass stores the input of every step (or of every
``segment``-th step, recomputing the segment in the backward pass), so memory is bounded by the
number of stored states.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax import lax

from twinbench.core import terms
from twinbench.core.boundaries import FaceState, Wall
from twinbench.core.fluxes import (
    _TINY,
    GENTLE,
    SHOCK,
    SMOOTH,
    STEEP,
    _boundary_depth_slope,
    _flip,
    _impose_inflow,
    bank_walls,
    depth_slope,
    differences,
    hll_flux,
    porosity_pressure,
    ramp,
    upwind,
    van_leer,
    wall_fluxes,
)
from twinbench.core.types import Grid, Params, State

# Default memory for the states stored by the forward pass of a differentiated run (bytes).
DEFAULT_MEMORY_BUDGET = 512 * 2**20


def _add(a, b):
    return jax.tree.map(jnp.add, a, b)


def _stored(a, one):
    """``a``, materialised once: ``one`` is a traced 1.0 (g / g).

    XLA:CPU fuses cheap elementwise producers into each consumer, and a stencil consumer reads
    its producer at several offsets, so a chain of stencils recomputes everything upstream many
    times (the backward pass ran 25–40× slower than the forward step). The operands and results
    of a conditional are always buffers, so passing ``a`` through a ``lax.cond`` on a runtime
    predicate stores it (both branches return ``a``; the second as ``a / one`` so that the two
    cannot be merged). An earlier form, ``a / one`` alone (a division is "expensive" to XLA's
    fusion heuristics, so not duplicated into several consumers), held in a step jitted alone
    but not inside the run's loop, where XLA fused the division into a single consumer that
    reads it at two offsets: the run's gradient then cost 2× its steps' backward.
    ``lax.optimization_barrier`` is removed by XLA:CPU before fusion, a 1-trip loop is inlined.
    """
    return lax.cond(
        jnp.all(one > 0.0), lambda a: a, lambda a: jax.tree.map(lambda x: x / one, a), a
    )


def _pad(a, low: int, high: int, axis: int):
    widths = [(0, 0)] * a.ndim
    widths[axis] = (low, high)
    return jnp.pad(a, widths)


# --------------------------------------------------------------------------------------------
# One stage U ↦ F(U + Δt L(U)) and its backward.
#
# Along each axis the four cell fields (h, eta, un, ut) are stacked into one (4, ny, nx) array so
# that the reconstruction and its transpose are one fused loop, and the face states of both
# axes are flattened into one (4, faces) array so that the HLL flux and its VJP are traced,
# compiled and run once per stage.


class _Axis:
    """Reconstruction and boundary states along one axis (forward values and their VJPs)."""

    def __init__(self, cells, axis, spacing, low, high, t, g, weights=None):
        self.axis, self.low, self.high = axis, low, high
        self.weights = weights  # porosity weights (w_low, w_high) of each cell, or None
        self.n = n = cells[0].shape[axis]
        self.inv = 1.0 / spacing
        fax = axis + 1  # the axis in stacked (4, ny, nx) arrays

        self.fax, self.g = fax, g
        self.q = q = jnp.stack(cells)
        backward, forward = differences(q, fax)
        slopes = van_leer(backward, forward)
        surface_slope = depth_slope(
            slopes[0], slopes[1], q[0], (backward[0], forward[0]), (backward[1], forward[1])
        )
        if n > 1:  # the depth slope of the two boundary cells continues the bed slope
            surface_slope = _boundary_depth_slope(surface_slope, q[0], q[1], axis)
        slopes = 0.5 * jnp.concatenate([surface_slope[None], slopes[1:]])
        self.lower, self.upper = lower, upper = q - slopes, q + slopes
        self.bed_slope = (
            -0.5 * g * (lower[0] + upper[0]) * ((upper[1] - upper[0]) - (lower[1] - lower[0]))
        )
        if weights is not None:
            self.bed_slope = self.bed_slope + porosity_pressure(lower[0], upper[0], *weights, g)

        def outer(inner_low, inner_high, low, high, t, g):
            out_low = low.outer(FaceState(*inner_low), t, g)
            out_high = _flip(high.outer(_flip(FaceState(*inner_high)), t, g))
            return (
                jnp.stack([jnp.broadcast_to(o, inner_low.shape[1:]) for o in out_low]),
                jnp.stack([jnp.broadcast_to(o, inner_high.shape[1:]) for o in out_high]),
            )

        inner_low = lax.slice_in_dim(lower, 0, 1, axis=fax)
        inner_high = lax.slice_in_dim(upper, n - 1, n, axis=fax)
        (out_low, out_high), self.outer_vjp = jax.vjp(outer, inner_low, inner_high, low, high, t, g)
        self.left = jnp.concatenate([out_low, upper], axis=fax)
        self.right = jnp.concatenate([lower, out_high], axis=fax)
        self.face_shape = self.left.shape[1:]

    def impose(self, mass, tangential, ut_left, ut_right, low, high, t):
        """The exact inflow at Discharge faces, as in ``directional_tendency``."""
        if self.low.imposes_inflow or self.high.imposes_inflow:
            mass = _impose_inflow(mass, low, high, t, self.axis, self.n)
            tangential = upwind(mass, ut_left, ut_right)
        return mass, tangential

    def tendencies(self, fluxes):
        """(dh, dhun, dhut): the flux differences and bed-slope term."""
        mass, normal, tangential, p_left, p_right = fluxes
        n, axis, inv = self.n, self.axis, self.inv
        hi = lambda a: lax.slice_in_dim(a, 1, n + 1, axis=axis)  # noqa: E731
        lo = lambda a: lax.slice_in_dim(a, 0, n, axis=axis)  # noqa: E731
        w_low, w_high = (1.0, 1.0) if self.weights is None else self.weights
        dh = -(w_high * hi(mass) - w_low * lo(mass)) * inv
        dhun = (
            -(w_high * (hi(normal) + hi(p_left)) - w_low * (lo(normal) + lo(p_right)))
            + self.bed_slope
        ) * inv
        dhut = -(w_high * hi(tangential) - w_low * lo(tangential)) * inv
        return dh, dhun, dhut

    def flux_cotangents(self, c_dh, c_dhun, c_dhut):
        """Transpose of :meth:`tendencies` w.r.t. the face fluxes: differences of cell
        cotangents onto faces (face j is the high face of cell j−1, the low face of cell j)."""
        axis, inv = self.axis, self.inv
        if self.weights is None:
            to_hi = lambda c: _pad(c, 1, 0, axis)  # noqa: E731
            to_lo = lambda c: _pad(c, 0, 1, axis)  # noqa: E731
        else:
            w_low, w_high = self.weights
            to_hi = lambda c: _pad(w_high * c, 1, 0, axis)  # noqa: E731
            to_lo = lambda c: _pad(w_low * c, 0, 1, axis)  # noqa: E731
        return (
            (to_lo(c_dh) - to_hi(c_dh)) * inv,
            (to_lo(c_dhun) - to_hi(c_dhun)) * inv,
            (to_lo(c_dhut) - to_hi(c_dhut)) * inv,
            -to_hi(c_dhun) * inv,
            to_lo(c_dhun) * inv,
        )

    def cell_cotangents(self, ct_left, ct_right, c_dhun):
        """Transpose of the face assembly, boundary states and reconstruction."""
        n, fax = self.n, self.axis + 1
        sl = lambda a, i, j: lax.slice_in_dim(a, i, j, axis=fax)  # noqa: E731
        ct_in_low, ct_in_high, ct_low, ct_high, ct_t, ct_g = self.outer_vjp(
            (sl(ct_left, 0, 1), sl(ct_right, n, n + 1))
        )
        ct_lower = sl(ct_right, 0, n) + _pad(ct_in_low, 0, n - 1, fax)
        ct_upper = sl(ct_left, 1, n + 1) + _pad(ct_in_high, n - 1, 0, fax)
        ct_cells, ct_g2 = self.reconstruction_backward(ct_lower, ct_upper, c_dhun * self.inv)
        return tuple(ct_cells), ct_low, ct_high, ct_t, ct_g + ct_g2

    def reconstruction_backward(self, ct_lower, ct_upper, ct_bed):
        """Cotangents of the stacked cells and of g from those of the reconstructed face values
        and of the bed-slope term: the transpose of the van Leer reconstruction, written out as
        one stencil (``jax.vjp`` of it stores each of its residuals as a separate array).

        Derivatives follow ``jax``'s conventions at kinks: ``|x|' = 1`` at 0, and ``max``
        splits the derivative in halves at a tie.
        """
        q, n, fax, g = self.q, self.n, self.fax, self.g
        lower, upper = self.lower, self.upper
        # bed = −g/2 · A · B with A = h⁻ + h⁺ (of the cell) and B = (z⁺ − z⁻) in η − h form.
        a = lower[0] + upper[0]
        b = (upper[1] - upper[0]) - (lower[1] - lower[0])
        ct_a = -0.5 * g * b * ct_bed
        ct_b = -0.5 * g * a * ct_bed
        ct_g = jnp.sum(-0.5 * a * b * ct_bed)
        ct_h_low, ct_h_up = ct_a + ct_b, ct_a - ct_b
        if self.weights is not None:  # the porosity pressure term (fluxes.porosity_pressure)
            w_low, w_high = self.weights
            ct_h_low = ct_h_low - g * (w_low - 1.0) * lower[0] * ct_bed
            ct_h_up = ct_h_up + g * (w_high - 1.0) * upper[0] * ct_bed
            ct_g = ct_g + jnp.sum(
                porosity_pressure(lower[0], upper[0], w_low, w_high, 1.0) * ct_bed
            )
        ct_lower = jnp.concatenate([(ct_lower[0] + ct_h_low)[None], (ct_lower[1] - ct_b)[None],
                                    ct_lower[2:]])  # fmt: skip
        ct_upper = jnp.concatenate([(ct_upper[0] + ct_h_up)[None], (ct_upper[1] + ct_b)[None],
                                    ct_upper[2:]])  # fmt: skip
        ct_q = ct_lower + ct_upper
        ct_slope = ct_upper - ct_lower  # of `slopes` = s/2 with s the limited slope
        take = lambda a, i, j: lax.slice_in_dim(a, i, j, axis=fax - 1)  # noqa: E731
        edge_terms = None
        if n > 1:
            # The depth slope of the two boundary cells: the VJP of `_boundary_depth_slope` on
            # the first two and last two cells only; the limiter's h slope there is unused.
            index = lax.broadcasted_iota(jnp.int32, q.shape[1:], fax - 1)
            at_edge = (index == 0) | (index == n - 1)
            ct_h_slope = ct_slope[0]
            ct_slope = jnp.concatenate([jnp.where(at_edge, 0.0, ct_h_slope)[None], ct_slope[1:]])

            def edge_slopes(h4, eta4):
                zero = jnp.zeros_like(h4)
                edge = _boundary_depth_slope(zero, h4, eta4, fax - 1)
                return take(edge, 0, 1), take(edge, 3, 4)

            ends = lambda a: jnp.concatenate([take(a, 0, 2), take(a, n - 2, n)], fax - 1)  # noqa: E731
            _, edge_vjp = jax.vjp(edge_slopes, ends(q[0]), ends(q[1]))
            ct_h4, ct_eta4 = edge_vjp(
                (0.5 * take(ct_h_slope, 0, 1), 0.5 * take(ct_h_slope, n - 1, n))
            )
            edge_terms = (ct_h4, ct_eta4)
        # s = num / max(den, tiny), num = b|f| + |b| f, den = |b| + |f| (b, f: backward and
        # forward differences, zero at the ends).
        end = lambda i: lax.slice_in_dim(q, i, i + 1, axis=fax)  # noqa: E731
        padded = jnp.concatenate([end(0), q, end(n - 1)], axis=fax)
        backward = q - lax.slice_in_dim(padded, 0, n, axis=fax)
        forward = lax.slice_in_dim(padded, 2, n + 2, axis=fax) - q
        abs_b, abs_f = jnp.abs(backward), jnp.abs(forward)
        sign_b = jnp.where(backward >= 0.0, 1.0, -1.0)
        sign_f = jnp.where(forward >= 0.0, 1.0, -1.0)
        num = backward * abs_f + abs_b * forward
        den = abs_b + abs_f
        floored = jnp.maximum(den, _TINY)
        ct_s = 0.5 * ct_slope
        # the depth slope takes the surface's where the flow is smooth (fluxes.depth_slope)
        vl = num / floored
        ct_vl_h, ct_vl_eta, ct_h_cells, ct_h_diff, ct_eta_diff = _depth_slope_backward(
            ct_s[0], vl[0], vl[1], q[0], (backward[0], forward[0]), (backward[1], forward[1])
        )
        ct_s = jnp.concatenate([ct_vl_h[None], (ct_s[1] + ct_vl_eta)[None], ct_s[2:]])
        ct_num = ct_s / floored
        ct_den = -ct_num * num / floored
        ct_den = ct_den * jnp.where(den > _TINY, 1.0, jnp.where(den == _TINY, 0.5, 0.0))
        ct_backward = ct_num * (abs_f + sign_b * forward) + ct_den * sign_b
        ct_forward = ct_num * (backward * sign_f + abs_b) + ct_den * sign_f
        extra_backward = jnp.stack([ct_h_diff[0], ct_eta_diff[0]])  # of h's and η's
        extra_forward = jnp.stack([ct_h_diff[1], ct_eta_diff[1]])
        ct_backward = jnp.concatenate([ct_backward[:2] + extra_backward, ct_backward[2:]])
        ct_forward = jnp.concatenate([ct_forward[:2] + extra_forward, ct_forward[2:]])
        index = lax.broadcasted_iota(jnp.int32, q.shape, fax)
        ct_backward = jnp.where(index == 0, 0.0, ct_backward)
        ct_forward = jnp.where(index == n - 1, 0.0, ct_forward)
        # stored: the sum below reads each at two offsets (14 % of the step backward)
        ct_backward, ct_forward = _stored((ct_backward, ct_forward), g / g)
        ct_q = (
            ct_q
            + ct_backward
            - _pad(lax.slice_in_dim(ct_backward, 1, n, axis=fax), 0, 1, fax)
            + _pad(lax.slice_in_dim(ct_forward, 0, n - 1, axis=fax), 1, 0, fax)
            - ct_forward
        )
        ct_q = jnp.concatenate([(ct_q[0] + ct_h_cells)[None], ct_q[1:]])
        if edge_terms is not None:
            ct_h4, ct_eta4 = edge_terms

            def spread(c4):  # the first two and last two cells back onto the axis
                head = _pad(take(c4, 0, 2), 0, n - 2, fax - 1)
                tail = _pad(take(c4, 2, 4), n - 2, 0, fax - 1)
                return head + tail

            ct_q = jnp.concatenate([(ct_q[0] + spread(ct_h4))[None],
                                    (ct_q[1] + spread(ct_eta4))[None], ct_q[2:]])  # fmt: skip
        return ct_q, ct_g


def _balanced(a, b):
    """d max(a, b)/da as ``jax`` takes it: 1 where a > b, ½ at a tie, 0 else."""
    return jnp.where(a > b, 1.0, jnp.where(a == b, 0.5, 0.0))


def _sign(a):
    """d|a|/da as ``jax`` takes it (1 at 0)."""
    return jnp.where(a >= 0.0, 1.0, -1.0)


def _ramp_backward(ct, shallowest, x, low: float, high: float):
    """Cotangents of (shallowest, x) of :func:`fluxes.ramp` from that of its value."""
    scaled = (high - low) * shallowest
    span = jnp.maximum(scaled, _TINY)
    ratio = (high * shallowest - x) / span
    # clip(r, 0, 1) = min(max(r, 0), 1)
    ct_ratio = ct * _balanced(ratio, 0.0) * _balanced(1.0, jnp.maximum(ratio, 0.0))
    ct_x = -ct_ratio / span
    ct_span = -ct_ratio * ratio / span
    ct_shallowest = -high * ct_x + (high - low) * _balanced(scaled, _TINY) * ct_span
    return ct_shallowest, ct_x


def _depth_slope_backward(ct, slope_h, slope_eta, h, h_diff, eta_diff):
    """Transpose of :func:`~twinbench.core.fluxes.depth_slope`: from the cotangent ``ct`` of
    the depth slope, those of the depth's and the surface's van Leer slopes, of h, and of the
    (backward, forward) differences of h and of η (through the centred bed difference, the
    positivity bounds and the detectors' weights). ``jax``'s conventions at the kinks (min and
    max split ties in halves, ``|x|' = 1`` at 0)."""
    (h_back, h_fwd), (eta_back, eta_fwd) = h_diff, eta_diff
    bed_change = (eta_fwd - h_fwd) + (eta_back - h_back)
    raw = slope_eta - 0.5 * bed_change
    surface = jnp.clip(raw, -2.0 * h, 2.0 * h)
    step = jnp.maximum(jnp.abs(eta_back), jnp.abs(eta_fwd))
    pair = jnp.minimum(-h_back, h_fwd)
    shallowest = h + jnp.minimum(pair, 0.0)
    drop = 0.5 * jnp.abs(bed_change)
    ct_weight = (surface - slope_h) * ct
    w_eta, w_bed = ramp(shallowest, step, SMOOTH, SHOCK), ramp(shallowest, drop, GENTLE, STEEP)
    ct_m_eta, ct_step = _ramp_backward(ct_weight * w_bed, shallowest, step, SMOOTH, SHOCK)
    ct_m_bed, ct_drop = _ramp_backward(ct_weight * w_eta, shallowest, drop, GENTLE, STEEP)
    weight = w_eta * w_bed

    ct_slope_h = (1.0 - weight) * ct
    ct_surface = weight * ct
    # clip(x, lo, hi) = min(max(x, lo), hi)
    floor = jnp.maximum(raw, -2.0 * h)
    ct_raw = ct_surface * _balanced(raw, -2.0 * h) * _balanced(2.0 * h, floor)
    ct_h = (2.0 * ct_surface) * (
        _balanced(floor, 2.0 * h) - _balanced(-2.0 * h, raw) * _balanced(2.0 * h, floor)
    )
    # of bed_change = (eta_fwd − h_fwd) + (eta_back − h_back)
    ct_bed = -0.5 * ct_raw + 0.5 * ct_drop * _sign(bed_change)
    ct_shallowest = ct_m_eta + ct_m_bed
    ct_pair = ct_shallowest * _balanced(0.0, pair)
    ct_h_back = -ct_bed - ct_pair * _balanced(h_fwd, -h_back)
    ct_h_fwd = -ct_bed + ct_pair * _balanced(-h_back, h_fwd)
    ct_eta_back = ct_bed + ct_step * _balanced(jnp.abs(eta_back), jnp.abs(eta_fwd)) * _sign(
        eta_back
    )
    ct_eta_fwd = ct_bed + ct_step * _balanced(jnp.abs(eta_fwd), jnp.abs(eta_back)) * _sign(eta_fwd)
    return (
        ct_slope_h,
        ct_raw,
        ct_h + ct_shallowest,
        (ct_h_back, ct_h_fwd),
        (ct_eta_back, ct_eta_fwd),
    )


def _hll_backward(left: FaceState, right: FaceState, g, dry_depth, cts):
    """Cotangents of the face states and of g of :func:`hll_flux`'s first five outputs, written
    out (``jax.vjp`` of it stores some thirty residual arrays, each a separate XLA:CPU kernel).
    Same derivative conventions as ``jax`` at the kinks (see :func:`_balanced`)."""
    c_mass, c_normal, c_tan, c_pl, c_pr = cts
    bed_left, bed_right = left.eta - left.h, right.eta - right.h
    bed_star = jnp.maximum(bed_left, bed_right)
    x_left, x_right = left.eta - bed_star, right.eta - bed_star
    h0_left, h0_right = jnp.maximum(x_left, 0.0), jnp.maximum(x_right, 0.0)
    wet_left, wet_right = h0_left > dry_depth, h0_right > dry_depth
    h_left = jnp.where(wet_left, h0_left, 0.0)
    h_right = jnp.where(wet_right, h0_right, 0.0)
    root_g = jnp.sqrt(g)
    sqrt_left, sqrt_right = jnp.sqrt(h_left), jnp.sqrt(h_right)
    c_left, c_right = root_g * sqrt_left, root_g * sqrt_right
    b1, b2 = left.un - c_left, right.un - c_right
    a1, a2 = left.un + c_left, right.un + c_right
    min_b, max_a = jnp.minimum(b1, b2), jnp.maximum(a1, a2)
    s_left, s_right = jnp.minimum(min_b, 0.0), jnp.maximum(max_a, 0.0)
    spread = s_right - s_left
    floored = jnp.maximum(spread, _TINY)
    inv = 1.0 / floored
    q_left, q_right = h_left * left.un, h_right * right.un
    half_g = 0.5 * g
    mom_left = q_left * left.un + half_g * h_left * h_left
    mom_right = q_right * right.un + half_g * h_right * h_right
    dh = h_right - h_left
    dq = q_right - q_left
    num_mass = s_right * q_left - s_left * q_right + s_left * s_right * dh
    mass = num_mass / floored
    num_normal = s_right * mom_left - s_left * mom_right + s_left * s_right * dq
    # tangential = ½ (mass (ut⁻ + ut⁺) − |mass| (ut⁺ − ut⁻))
    c_mass = c_mass + 0.5 * c_tan * ((left.ut + right.ut) - _sign(mass) * (right.ut - left.ut))
    abs_mass = jnp.abs(mass)
    c_ut_left = 0.5 * c_tan * (mass + abs_mass)
    c_ut_right = 0.5 * c_tan * (mass - abs_mass)
    # mass = N_m · inv, normal = N_n · inv
    c_nm, c_nn = c_mass * inv, c_normal * inv
    c_inv = c_mass * num_mass + c_normal * num_normal
    c_spread = -c_inv * inv * inv * _balanced(spread, _TINY)
    # Stored once: every face-state cotangent below (and the sums for g) reads them, and
    # XLA:CPU would otherwise recompute the whole chain above inside each of those kernels.
    one = g / g
    c_nm, c_nn, c_spread = _stored((c_nm, c_nn, c_spread), one)
    c_s_right = c_nm * (q_left + s_left * dh) + c_nn * (mom_left + s_left * dq) + c_spread
    c_s_left = c_nm * (s_right * dh - q_right) + c_nn * (s_right * dq - mom_right) - c_spread
    c_dh, c_dq = c_nm * s_left * s_right, c_nn * s_left * s_right
    c_mom_left, c_mom_right = c_nn * s_right, -c_nn * s_left
    c_q_left = c_nm * s_right - c_dq + c_mom_left * left.un
    c_q_right = -c_nm * s_left + c_dq + c_mom_right * right.un
    c_half_g = c_mom_left * h_left * h_left + c_mom_right * h_right * h_right
    c_half_g = c_half_g + c_pl * (left.h * left.h - h_left * h_left)
    c_half_g = c_half_g + c_pr * (right.h * right.h - h_right * h_right)
    c_h_left = -c_dh + c_q_left * left.un + 2.0 * half_g * (c_mom_left - c_pl) * h_left
    c_h_right = c_dh + c_q_right * right.un + 2.0 * half_g * (c_mom_right - c_pr) * h_right
    c_un_left = c_q_left * h_left + c_mom_left * q_left
    c_un_right = c_q_right * h_right + c_mom_right * q_right
    # s⁺ = max(max(a1, a2), 0), s⁻ = min(min(b1, b2), 0)
    c_max_a = c_s_right * _balanced(max_a, 0.0)
    c_a1, c_a2 = c_max_a * _balanced(a1, a2), c_max_a * _balanced(a2, a1)
    c_min_b = c_s_left * _balanced(0.0, min_b)
    c_b1, c_b2 = c_min_b * _balanced(b2, b1), c_min_b * _balanced(b1, b2)
    c_un_left = c_un_left + c_a1 + c_b1
    c_un_right = c_un_right + c_a2 + c_b2
    c_c_left, c_c_right = c_a1 - c_b1, c_a2 - c_b2
    c_root_g = jnp.sum(c_c_left * sqrt_left + c_c_right * sqrt_right)
    # √h has an infinite derivative at a dry face: masked by the `where` as in jax.
    c_h_left = c_h_left + c_c_left * root_g * (0.5 / sqrt_left)
    c_h_right = c_h_right + c_c_right * root_g * (0.5 / sqrt_right)
    c_h_left, c_h_right, c_un_left, c_un_right = _stored(
        (c_h_left, c_h_right, c_un_left, c_un_right), one
    )
    c_h0_left = jnp.where(wet_left, c_h_left, 0.0)
    c_h0_right = jnp.where(wet_right, c_h_right, 0.0)
    c_x_left = c_h0_left * _balanced(x_left, 0.0)
    c_x_right = c_h0_right * _balanced(x_right, 0.0)
    c_bed_star = -(c_x_left + c_x_right)
    c_bed_left = c_bed_star * _balanced(bed_left, bed_right)
    c_bed_right = c_bed_star * _balanced(bed_right, bed_left)
    ct_left = FaceState(
        2.0 * half_g * c_pl * left.h - c_bed_left, c_x_left + c_bed_left, c_un_left, c_ut_left
    )
    ct_right = FaceState(
        2.0 * half_g * c_pr * right.h - c_bed_right, c_x_right + c_bed_right, c_un_right, c_ut_right
    )
    c_g = 0.5 * jnp.sum(c_half_g) + c_root_g * (0.5 / root_g)
    return ct_left, ct_right, c_g


def _sources(p: terms.Primitive, params: Params, grid: Grid, t):
    """Coriolis, viscosity and surface terms of the momentum tendencies (as in ``tendency``)."""
    cor_u, cor_v = terms.coriolis(p, params)
    visc_u, visc_v = terms.viscosity(p, params, grid)
    su, sv = cor_u + visc_u, cor_v + visc_v
    if params.forcing is not None:
        surf_u, surf_v = terms.surface(p, params, grid, t)
        su, sv = su + surf_u, sv + surf_v
    return su, sv


def _stage_forward(state: State, params: Params, grid: Grid, dt):
    """One stage and the closure mapping the cotangent of its output to (state, params, dt)."""
    from twinbench.core.stepping import _stage  # the stage update with friction, not copied

    p, prim_vjp = jax.vjp(terms.primitive, state, params)
    one = params.gravity / params.gravity
    g = params.gravity
    b = params.boundaries
    t = state.t
    # x: un = u, ut = v; y: un = v, ut = u. An axis one cell long between walls has no flow.
    specs = [
        (name, cells, axis, spacing, low, high)
        for name, cells, axis, spacing, low, high in (
            ("x", (p.h, p.eta, p.u, p.v), 1, grid.dx, b.west, b.east),
            ("y", (p.h, p.eta, p.v, p.u), 0, grid.dy, b.south, b.north),
        )
        if not (cells[0].shape[axis] == 1 and isinstance(low, Wall) and isinstance(high, Wall))
    ]
    phi = params.porosity  # a property of the grid: its weights are constants here
    axes = {
        name: _Axis(cells, axis, sp, lo, hi, t, g, None if phi is None else phi.weights(axis))
        for name, cells, axis, sp, lo, hi in specs
    }

    tend = {}
    if axes:
        # The faces of all axes as one flat array per field: the HLL flux and its backward are
        # traced, compiled and run once per stage.
        flat = lambda rows: FaceState(  # noqa: E731
            *(jnp.concatenate([r[i].reshape(-1) for r in rows]) for i in range(len(rows[0])))
        )
        left = flat([ax.left for ax in axes.values()])
        right = flat([ax.right for ax in axes.values()])
        walls = params.banks == "wall"
        raw = hll_flux(left, right, g, params.dry_depth)[:5]
        if walls:  # dry banks above the surface as walls: a pointwise map, by jax.vjp
            masks = [
                bank_walls(ax.q[0], ax.q[1], FaceState(*ax.left), FaceState(*ax.right), ax.axis,
                           g, params.dry_depth)
                for ax in axes.values()
            ]  # fmt: skip
            bank_l, bank_r = (jnp.concatenate([m[k].reshape(-1) for m in masks]) for k in (0, 1))
            raw, wall_fluxes_vjp = jax.vjp(
                lambda f, lf, rf, g: wall_fluxes(f, lf, rf, bank_l, bank_r, g, params.dry_depth)[0],
                tuple(raw), left, right, g,
            )  # fmt: skip
        sizes = [math.prod(ax.face_shape) for ax in axes.values()]
        bounds = [sum(sizes[: i + 1]) for i in range(len(sizes))]  # end of each axis's faces
        raw = [
            tuple(lax.slice_in_dim(f, hi - math.prod(ax.face_shape), hi).reshape(ax.face_shape)
                  for f in raw)
            for ax, hi in zip(axes.values(), bounds, strict=True)
        ]  # fmt: skip
        sides = [(ax.low, ax.high) for ax in axes.values()]
        imposing = any(low.imposes_inflow or high.imposes_inflow for low, high in sides)
        uts = [(ax.left[3], ax.right[3]) for ax in axes.values()]

        def impose(raw, uts, sides, t):
            """The exact inflow at Discharge faces (and the tangential flux it carries)."""
            out = []
            for ax, fluxes, (ut_left, ut_right), (low, high) in zip(
                axes.values(), raw, uts, sides, strict=True
            ):
                mass, normal, tangential, p_left, p_right = fluxes
                mass, tangential = ax.impose(mass, tangential, ut_left, ut_right, low, high, t)
                out.append((mass, normal, tangential, p_left, p_right))
            return out

        if imposing:
            fluxes, impose_vjp = jax.vjp(impose, raw, uts, sides, t)
        else:
            fluxes = raw
        tend = {name: ax.tendencies(f) for (name, ax), f in zip(axes.items(), fluxes, strict=True)}

    (su, sv), src_vjp = jax.vjp(lambda p, params, t: _sources(p, params, grid, t), p, params, t)
    dh, dhu, dhv = jnp.zeros_like(p.h), su, sv
    if "x" in tend:
        dh, dhu, dhv = dh + tend["x"][0], dhu + tend["x"][1], dhv + tend["x"][2]
    if "y" in tend:
        dh, dhu, dhv = dh + tend["y"][0], dhu + tend["y"][2], dhv + tend["y"][1]

    def update(state, tend, params, dt):
        return _stage(state, params, grid, dt, rates=terms.Tendency(*tend, None))

    new, update_vjp = jax.vjp(update, state, (dh, dhu, dhv), params, dt)

    def backward(ct_new: State):
        ct_state, c_tend, ct_params, ct_dt = update_vjp(ct_new)
        c_dh, c_dhu, c_dhv = _stored(c_tend, one)
        ct_p, ct_params2, ct_t = src_vjp((c_dhu, c_dhv))
        ct_p = _stored(ct_p, one)  # the sources' transposes (the viscosity's stencil)
        ct_params = _add(ct_params, ct_params2)
        ct_h, ct_eta, ct_u, ct_v = ct_p
        ct_g = jnp.zeros_like(g)
        ct_dry = jnp.zeros_like(params.dry_depth)
        ct_sides = {n: jax.tree.map(jnp.zeros_like, getattr(b, n)) for n in b.__dataclass_fields__}
        if axes:
            # Cotangents of the tendencies along each axis: (dh, dhun, dhut).
            c_axis = {"x": (c_dh, c_dhu, c_dhv), "y": (c_dh, c_dhv, c_dhu)}
            ct_fluxes = [ax.flux_cotangents(*c_axis[name]) for name, ax in axes.items()]
            if imposing:
                ct_raw, ct_uts, ct_face_sides, ct_t2 = impose_vjp(ct_fluxes)
                ct_t = ct_t + ct_t2
            else:
                ct_raw, ct_uts = ct_fluxes, None
                ct_face_sides = jax.tree.map(jnp.zeros_like, sides)
            ct_raw = [jnp.concatenate([c[k].reshape(-1) for c in ct_raw]) for k in range(5)]
            if walls:
                ct_raw, ct_wall_left, ct_wall_right, ct_wall_g = wall_fluxes_vjp(tuple(ct_raw))
            ct_left, ct_right, ct_g2 = _hll_backward(left, right, g, params.dry_depth, ct_raw)
            if walls:
                ct_left = FaceState(*(a + b for a, b in zip(ct_left, ct_wall_left, strict=True)))
                ct_right = FaceState(*(a + b for a, b in zip(ct_right, ct_wall_right, strict=True)))
                ct_g2 = ct_g2 + ct_wall_g
            ct_g = ct_g + ct_g2
            ct_lefts, ct_rights = [], []
            for i, (ax, hi) in enumerate(zip(axes.values(), bounds, strict=True)):
                lo = hi - math.prod(ax.face_shape)
                ct_l, ct_r = (
                    [lax.slice_in_dim(c, lo, hi).reshape(ax.face_shape) for c in ct]
                    for ct in (ct_left, ct_right)
                )
                if ct_uts is not None:
                    ct_l[3], ct_r[3] = ct_l[3] + ct_uts[i][0], ct_r[3] + ct_uts[i][1]
                ct_lefts.append(jnp.stack(ct_l))
                ct_rights.append(jnp.stack(ct_r))
            ct_lefts, ct_rights = _stored((ct_lefts, ct_rights), one)
            names = {"x": ("west", "east"), "y": ("south", "north")}
            for (name, ax), ct_l, ct_r, ct_fs in zip(
                axes.items(), ct_lefts, ct_rights, ct_face_sides, strict=True
            ):
                ct_cells, ct_low, ct_high, ct_t3, ct_g3 = ax.cell_cotangents(
                    ct_l, ct_r, c_axis[name][1]
                )
                ct_t, ct_g = ct_t + ct_t3, ct_g + ct_g3
                lo_name, hi_name = names[name]
                ct_sides[lo_name] = _add(ct_sides[lo_name], _add(ct_low, ct_fs[0]))
                ct_sides[hi_name] = _add(ct_sides[hi_name], _add(ct_high, ct_fs[1]))
                # stored per axis: summed into one fusion with both axes' reconstruction
                # transposes and the primitives' VJP, they made one 300-instruction kernel
                # with 87 operands that took a third of the step backward (41 → 30 ms at 256²)
                ch, ce, cn, ctg = _stored(ct_cells, one)
                if name == "x":
                    cu, cv = cn, ctg
                else:
                    cu, cv = ctg, cn
                ct_h, ct_eta, ct_u, ct_v = ct_h + ch, ct_eta + ce, ct_u + cu, ct_v + cv
        # Each of these feeds several kernels (and, unstored, was fused with the sources',
        # the primitives' and the update's transposes into one 87-operand kernel): together
        # the four stores take the step backward from 26.6 to 17.4 ms at 256² float32.
        ct_h, ct_eta, ct_u, ct_v = _stored((ct_h, ct_eta, ct_u, ct_v), one)
        ct_state2, ct_params3 = prim_vjp(terms.Primitive(ct_h, ct_eta, ct_u, ct_v))
        ct_state2, ct_state = _stored((ct_state2, ct_state), one)
        ct_params = _add(ct_params, ct_params3)
        ct_params = _add(
            ct_params,
            _zero_params_with(
                ct_params, gravity=ct_g, dry_depth=ct_dry, boundaries=type(b)(**ct_sides)
            ),
        )
        ct_state = _add(ct_state, ct_state2)
        ct_state = State(ct_state.h, ct_state.hu, ct_state.hv, ct_state.t + ct_t)
        return ct_state, ct_params, ct_dt

    return new, backward


def _zero_params_with(like: Params, **leaves) -> Params:
    """A params cotangent that is zero except for the given fields."""
    zero = jax.tree.map(jnp.zeros_like, like)
    fields = {f: getattr(zero, f) for f in Params.__dataclass_fields__}
    fields.update(leaves)
    return Params(**fields)


def step_backward(state: State, params: Params, grid: Grid, dt, ct_out: State):
    """Cotangents of (state, params, dt) of one step, from the step input and the cotangent of
    its output (the stages are recomputed).

    The two stage adjoints run as a two-trip loop over the stage inputs, like the forward
    step: the loop carry is the one boundary XLA:CPU always materialises, so the first stage's
    output and the cotangent between the stages are stored once instead of being fused (and
    recomputed) into every consumer, and the stage adjoint is compiled once.
    """
    from twinbench.core.stepping import _stage

    first = _stage(state, params, grid, dt)
    inputs = jax.tree.map(lambda a, b: jnp.stack([a, b]), state, first)
    half = State(0.5 * ct_out.h, 0.5 * ct_out.hu, 0.5 * ct_out.hv, jnp.zeros_like(ct_out.t))

    def stage_adjoint(carry, stage_input):
        ct, ct_params, ct_dt = carry
        ct_in, ct_p, ct_d = _stage_forward(stage_input, params, grid, dt)[1](ct)
        return (ct_in, _add(ct_params, ct_p), ct_dt + ct_d), None

    zero_params = jax.tree.map(jnp.zeros_like, params)
    carry = (half, zero_params, jnp.zeros_like(dt))
    ct_state, ct_params, ct_dt = lax.scan(stage_adjoint, carry, inputs, reverse=True)[0]
    ct_state = State(
        ct_state.h + half.h, ct_state.hu + half.hu, ct_state.hv + half.hv, ct_state.t + ct_out.t
    )
    return ct_state, ct_params, ct_dt + ct_out.t


# --------------------------------------------------------------------------------------------
# The step and the run as custom VJPs.


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def step(state: State, params: Params, grid: Grid, dt) -> State:
    """:func:`twinbench.core.step` with the hand-written backward."""
    from twinbench.core.stepping import step as plain_step

    return plain_step(state, params, grid, dt)


def _step_fwd(state, params, grid, dt):
    return step(state, params, grid, dt), (state, params, dt)


def _step_bwd(grid, residuals, ct_out):
    state, params, dt = residuals
    return step_backward(state, params, grid, dt, ct_out)


step.defvjp(_step_fwd, _step_bwd)


def segment_length(n_steps: int, state_bytes: int, memory_budget: float) -> int:
    """Steps per stored state: 1 (store every step input) while that fits ``memory_budget``,
    else the shortest segment whose checkpoints plus one recomputed segment fit, at least the
    two-level optimum √n_steps when nothing fits."""
    if n_steps * state_bytes <= memory_budget:
        return 1
    optimum = max(1, math.isqrt(n_steps))
    for s in range(2, optimum + 1):
        if (math.ceil(n_steps / s) + s) * state_bytes <= memory_budget:
            return s
    return optimum


def run(state: State, params: Params, grid: Grid, dt, n_steps: int, segment: int = 1) -> State:
    """``n_steps`` steps of ``dt`` whose reverse mode uses :func:`step_backward`.

    The forward pass stores the input of every ``segment``-th step; the backward pass recomputes
    the other inputs of a segment, then runs the step adjoints in reverse.
    """
    return _run(grid, n_steps, segment, state, params, dt)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1, 2))
def _run(grid, n_steps, segment, state, params, dt):
    from twinbench.core.stepping import step as plain_step

    def one(s, _):
        return plain_step(s, params, grid, dt), None

    return lax.scan(one, state, None, length=n_steps)[0]


def _masked(segment, n_steps):
    """Whether steps of a ``segment``-step loop need a mask: the last segment is shorter."""
    return n_steps % segment != 0


def _run_fwd(grid, n_steps, segment, state, params, dt):
    from twinbench.core.stepping import step as plain_step

    segments = -(-n_steps // segment)
    masked = _masked(segment, n_steps)

    def block(s, index):
        def one(s, k):
            if not masked:
                return plain_step(s, params, grid, dt), None
            valid = index * segment + k < n_steps
            return lax.cond(valid, lambda s: plain_step(s, params, grid, dt), lambda s: s, s), None

        return lax.scan(one, s, jnp.arange(segment))[0], s

    final, starts = lax.scan(block, state, jnp.arange(segments))
    return final, (starts, params, dt)


def _run_bwd(grid, n_steps, segment, residuals, ct_final):
    """Reverse sweep: for each stored state (last first), recompute the inputs of its segment,
    then apply the step adjoints in reverse. A shorter last segment is masked, so the step and
    its adjoint are compiled once."""
    from twinbench.core.stepping import step as plain_step

    starts, params, dt = residuals
    segments = -(-n_steps // segment)
    masked = _masked(segment, n_steps)

    def reverse_segment(carry, xs):
        start, index = xs
        if segment > 1:

            def one(s, k):
                if not masked:
                    new = plain_step(s, params, grid, dt)
                    return new, new
                valid = index * segment + k < n_steps
                new = lax.cond(valid, lambda s: plain_step(s, params, grid, dt), lambda s: s, s)
                return new, new  # the input of step k + 1 (that of step 0 is `start`)

            _, inputs = lax.scan(one, start, jnp.arange(segment - 1))
            inputs = jax.tree.map(lambda a, b: jnp.concatenate([a[None], b]), start, inputs)
        else:
            inputs = jax.tree.map(lambda a: a[None], start)

        def back(carry, xs):
            s, k = xs
            ct_state, ct_params, ct_dt = carry

            def adjoint(ct_state):
                return step_backward(s, params, grid, dt, ct_state)

            if masked:
                valid = index * segment + k < n_steps
                zeros = (jax.tree.map(jnp.zeros_like, params), jnp.zeros_like(dt))
                ct_s, ct_p, ct_d = lax.cond(valid, adjoint, lambda ct: (ct, *zeros), ct_state)
            else:
                ct_s, ct_p, ct_d = adjoint(ct_state)
            return (ct_s, _add(ct_params, ct_p), ct_dt + ct_d), None

        return lax.scan(back, carry, (inputs, jnp.arange(segment)), reverse=True)[0], None

    carry = (ct_final, jax.tree.map(jnp.zeros_like, params), jnp.zeros_like(dt))
    ct_state, ct_params, ct_dt = lax.scan(
        reverse_segment, carry, (starts, jnp.arange(segments)), reverse=True
    )[0]
    return ct_state, ct_params, ct_dt


_run.defvjp(_run_fwd, _run_bwd)
