"""Open and closed boundaries as outer face states.

A boundary is applied at its face: from the inner state reconstructed at the face it builds
the outer state, and the same Riemann solver as in the interior gives the flux. Velocities here
are in the boundary's frame: ``un`` along the *inward* normal, ``ut`` along the side. The bed
beyond the edge continues the inner face level (no artificial step).

Subcritical boundaries take the Riemann invariant ``un − 2c`` (c = √(g h)) of the characteristic
that leaves the domain from the interior and impose the other one: an imposed level is a node of
η for waves arriving from inside (they reflect inverted, as at a model edge forced by a tide
gauge), and an imposed inflow adapts its depth to the interior (Toro 2001, *Shock-capturing
methods for free-surface shallow flows*, §5; the approach of FullSWOF, Delestre et al. 2017).
"""

from __future__ import annotations

import abc
import functools
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from twinbench.core import safe
from twinbench.core.tables import sample


class FaceState(NamedTuple):
    """Depth h, free surface eta, inward-normal and tangential velocities at boundary faces."""

    h: Array
    eta: Array
    un: Array
    ut: Array


class Boundary(eqx.Module):
    """Interface: ``outer(inner, t, gravity)`` → the state beyond the face."""

    @abc.abstractmethod
    def outer(self, inner: FaceState, t: Array, gravity: Array) -> FaceState:
        """Outer face state for the given inner face state at time ``t``."""

    @property
    def max_dt(self) -> float:
        """Largest step that still resolves this boundary's table (s)."""
        return float("inf")

    #: Whether the boundary fixes the mass flux of an inflow exactly (see :meth:`inflow`).
    imposes_inflow: bool = eqx.field(default=False, static=True, init=False)

    def inflow(self, t: Array) -> Array:
        """Inward mass flux (m² s⁻¹) imposed where positive; only if ``imposes_inflow``."""
        raise NotImplementedError


def _table_max_dt(times: Array) -> float:
    if times.shape[0] < 2:
        return float("inf")
    return float(jnp.min(jnp.diff(times)))


class Wall(Boundary):
    """Closed, free-slip: the mirror state, so no mass crosses the face."""

    def outer(self, inner, t, gravity):
        return FaceState(inner.h, inner.eta, -inner.un, inner.ut)


class Open(Boundary):
    """Transmissive: the outer state copies the inner one (zero gradient across the face)."""

    def outer(self, inner, t, gravity):
        return inner


class Level(Boundary):
    """Imposed free-surface elevation η_b(t) (m), uniform or varying along the side.

    ``values`` is ``(nt, *face_shape)`` over ``times`` (s), the face shape being ``(n, 1)`` on
    west/east sides and ``(1, n)`` on south/north ones (n = 1 for a uniform value). In
    subcritical flow the outer depth is ``η_b − z`` and the normal velocity follows from the
    outgoing invariant; in supercritical outflow the level cannot be imposed and the face is
    transmissive.
    """

    times: Float[Array, " nt"]
    values: Float[Array, "nt a b"]

    def outer(self, inner, t, gravity):
        eta_b = sample(self.times, self.values, t)
        bed = inner.eta - inner.h
        h_out = jnp.maximum(eta_b - bed, 0.0)
        c_in = safe.sqrt(gravity * inner.h)
        c_out = safe.sqrt(gravity * h_out)
        un_out = inner.un - 2.0 * c_in + 2.0 * c_out
        imposed = FaceState(h_out, bed + h_out, un_out, inner.ut)
        supercritical_outflow = inner.un + c_in < 0.0
        return FaceState(
            *(jnp.where(supercritical_outflow, a, b) for a, b in zip(inner, imposed, strict=True))
        )

    @property
    def max_dt(self) -> float:
        return _table_max_dt(self.times)


class Discharge(Boundary):
    """Imposed discharge q(t) per metre of boundary (m² s⁻¹, positive into the domain).

    With ``depth`` (m) the inflow is supercritical: depth and velocity q/depth are both imposed.
    Without it the outer depth solves ``q/h − 2√(g h) = un_in − 2c_in`` (subcritical inflow;
    into a dry cell this gives the critical-flow limit that wets it). Outflow (q < 0) imposes
    the mean normal velocity q/h at the face; q = 0 is a wall.
    """

    times: Float[Array, " nt"]
    values: Float[Array, "nt a b"]
    depth: Float[Array, ""] | None = None
    imposes_inflow: bool = eqx.field(default=True, static=True, init=False)

    def inflow(self, t):
        """The discharge q(t): an inflow (q > 0) enters exactly, whatever the interior does."""
        return sample(self.times, self.values, t)

    def outer(self, inner, t, gravity):
        q = sample(self.times, self.values, t)
        bed = inner.eta - inner.h
        # The inflow branch is built from q > 0 only (a stand-in of 1 m² s⁻¹ elsewhere): its
        # derivatives at q = 0 (a depth of round-off, q/h²) would be 0·∞ = NaN through `where`.
        q_in = jnp.where(q > 0.0, q, 1.0)
        if self.depth is not None:
            h_in = jnp.broadcast_to(self.depth, q.shape)
        else:
            h_in = _inflow_depth(q_in, inner, gravity)
        un_in = q_in / jnp.where(h_in > 0.0, h_in, 1.0)
        inflow = FaceState(h_in, bed + h_in, un_in, jnp.zeros_like(inner.ut))
        h_safe = jnp.where(inner.h > 0.0, inner.h, 1.0)
        u_mean = jnp.where(inner.h > 0.0, q / h_safe, 0.0)
        outflow = FaceState(inner.h, inner.eta, 2.0 * u_mean - inner.un, inner.ut)
        return FaceState(*(jnp.where(q > 0.0, a, b) for a, b in zip(inflow, outflow, strict=True)))

    @property
    def max_dt(self) -> float:
        return _table_max_dt(self.times)


class Radiating(Boundary):
    """An external sea state entering on the incoming characteristic; outgoing waves leave.

    The external free surface is ``η_e(t) = table(t) + Σ_k A_k cos(ω_k t − φ_k)`` (m): a
    piecewise-linear table (a constant offset such as a mean sea level, or a surge series) plus
    harmonic constituents whose amplitudes ``A`` and phases ``φ`` (rad, at t = 0) may vary along
    the side; ``velocity`` is the external inward normal velocity u_e (m s⁻¹, default 0).

    The outer state combines the invariant leaving the domain, ``R⁻ = un − 2c``, with the one
    of the external state entering it, ``R⁺ = u_e + 2 c_e`` (``c_e = √(g (η_e − z))``):
    ``c* = (R⁺ − R⁻)/4``, ``un* = (R⁺ + R⁻)/2``. Linearised, this is Flather's (1976) radiation
    condition ``un = u_e − √(g/h) (η − η_e)``: a wave arriving from inside passes out with
    no reflection, the sea's tide comes in. (With u_e = 0 the incoming wave carries half of
    η_e, the other half returns when the interior reflects it, as a long estuary does; Blayo &
    Debreu 2005, *Ocean Modelling* 9:231.) Supercritical outflow is transmissive,
    supercritical inflow imposes the external state.
    """

    times: Float[Array, " nt"]
    values: Float[Array, "nt a b"]
    omega: Float[Array, " k"]
    amplitude: Float[Array, "k a b"]
    phase: Float[Array, "k a b"]
    velocity: Float[Array, "a b"]

    def elevation(self, t: Array) -> Array:
        """External free surface η_e(t) at the side's faces (m)."""
        eta = sample(self.times, self.values, t)
        if self.omega.shape[0]:
            arg = self.omega[:, None, None] * t - self.phase
            eta = eta + jnp.sum(self.amplitude * jnp.cos(arg), axis=0)
        return eta

    def outer(self, inner, t, gravity):
        bed = inner.eta - inner.h
        h_e = jnp.maximum(self.elevation(t) - bed, 0.0)
        c_in = safe.sqrt(gravity * inner.h)
        c_e = safe.sqrt(gravity * h_e)
        incoming = self.velocity + 2.0 * c_e
        outgoing = inner.un - 2.0 * c_in
        c_star = jnp.maximum(0.25 * (incoming - outgoing), 0.0)
        h_star = c_star * c_star / gravity
        radiating = FaceState(h_star, bed + h_star, 0.5 * (incoming + outgoing), inner.ut)
        external = FaceState(h_e, bed + h_e, jnp.broadcast_to(self.velocity, h_e.shape), inner.ut)
        supercritical_outflow = inner.un + c_in < 0.0
        supercritical_inflow = self.velocity - c_e > 0.0
        return FaceState(
            *(
                jnp.where(supercritical_outflow, a, jnp.where(supercritical_inflow, b, c))
                for a, b, c in zip(inner, external, radiating, strict=True)
            )
        )

    @property
    def max_dt(self) -> float:
        # Constituents are evaluated exactly at every step; the table must still be resolved.
        return _table_max_dt(self.times)


def _inflow_depth(q: Array, inner: FaceState, gravity: Array, iterations: int = 12) -> Array:
    """Depth of a subcritical inflow q > 0 matching the outgoing invariant of the interior.

    With c = √(g h) the condition ``q/h − 2c = R`` (R = un_in − 2 c_in) is the cubic
    ``2c³ + R c² − g q = 0``. It has one positive root; Newton from
    ``c₀ = max(−R, 0) + (g q / 2)^(1/3)`` (right of the root, where the cubic is convex and
    increasing) converges monotonically.
    """
    qp = jnp.maximum(q, 0.0)
    r = inner.un - 2.0 * safe.sqrt(gravity * inner.h)
    c = _inflow_celerity(qp, r, gravity, iterations)
    return c**2 / gravity


@functools.partial(jax.custom_jvp, nondiff_argnums=(3,))
def _inflow_celerity(qp: Array, r: Array, gravity: Array, iterations: int) -> Array:
    """Root c > 0 of ``2c³ + r c² − g qp`` by Newton (see :func:`_inflow_depth`)."""
    c = jnp.maximum(-r, 0.0) + jnp.power(0.5 * gravity * qp + 1e-30, 1.0 / 3.0)
    for _ in range(iterations):
        f = 2.0 * c**3 + r * c**2 - gravity * qp
        df = 6.0 * c**2 + 2.0 * r * c
        c = c - f / jnp.where(df > 0.0, df, 1.0)
    return c


@_inflow_celerity.defjvp
def _inflow_celerity_jvp(iterations, primals, tangents):
    """Implicit function theorem on the converged root (not the unrolled Newton iterations):
    ``(6c² + 2rc) dc + c² dr − qp dg − g dqp = 0``."""
    qp, r, gravity = primals
    dqp, dr, dg = tangents
    c = _inflow_celerity(qp, r, gravity, iterations)
    df = 6.0 * c**2 + 2.0 * r * c
    dc = (gravity * dqp + qp * dg - c * c * dr) / jnp.where(df > 0.0, df, 1.0)
    return c, dc
