"""The twinbench scheme written the way a competent scientist writes it in plain NumPy.

An independent implementation of exactly the engine's step (see ``twinbench/core``): MUSCL
reconstruction of h, η, u, v with the van Leer limiter, Audusse hydrostatic reconstruction,
HLL fluxes (Davis wave speeds) with the tangential momentum upwinded by the mass flux, the
centred bed-slope term, Coriolis, horizontal viscosity, and SSP-RK2 with the bottom friction
folded into each stage (stable for any k, second order). Boundaries: free-slip walls or
transmissive (open) sides. Friction: none, Manning or linear. Dry banks (a dry cell whose bed
stands above a wet neighbour's surface): walls where the coast follows the grid (the engine's
default, ``banks="wall"``) or the hydrostatic reconstruction alone (``banks="hydrostatic"``).

Vectorised with array slices, no compiled code; float32 in, float32 arithmetic (NumPy's
promotion rules keep Python scalars weak), float64 likewise. It serves as the yardstick of
``benchmarks/bench_engine.py`` and as a cross-check of the JAX engine
(``tests/core/test_numpy_reference.py``).

Arrays are ``(ny, nx)``; the flux code is written once for the last axis (x) and applied to
transposed arrays for y.

Example
-------
>>> import numpy as np
>>> bed = -np.full((8, 10), 2.0)
>>> h = np.full((8, 10), 2.0); h[:, :3] += 0.1
>>> ref = NumpyShallowWater(bed, dx=10.0, dy=10.0, manning=0.03)
>>> h1, hu1, hv1 = ref.step(h, 0 * h, 0 * h, dt=0.5)
>>> bool(np.isclose(h1.sum(), h.sum()))
True
"""

from __future__ import annotations

import numpy as np

TINY = 1e-12  # floor of the limiter's denominator and of the HLL wave-speed spread
SPEED_EPS = 1e-8  # regularisation of the speed in the friction law (m s⁻¹)


def limited_slope(q):
    """Van Leer slope along the last axis; zero in the first and last cells."""
    backward = np.zeros_like(q)
    forward = np.zeros_like(q)
    backward[..., 1:] = q[..., 1:] - q[..., :-1]
    forward[..., :-1] = q[..., 1:] - q[..., :-1]
    num = backward * np.abs(forward) + np.abs(backward) * forward
    den = np.abs(backward) + np.abs(forward)
    return num / np.maximum(den, TINY)


SMOOTH, SHOCK = 0.15, 0.4  # the detectors' bounds (twinbench.core.fluxes.depth_slope)
GENTLE, STEEP = 0.1, 0.3


def depth_slope(slope_h, slope_eta, h, eta):
    """The free surface's slope minus the centred bed difference (|s| ≤ 2h), blended back to
    the depth's van Leer slope where the largest step of η to a neighbour exceeds SMOOTH × the
    smallest of the three depths (all of it at SHOCK ×) and where the centred bed drop per
    cell exceeds GENTLE × that depth (all of it at STEEP ×)."""

    def neighbours(a):
        padded = np.concatenate([a[..., :1], a, a[..., -1:]], axis=-1)
        return padded[..., :-2], padded[..., 2:]

    def ramp(x, low, high):
        span = np.maximum((high - low) * shallowest, TINY)
        return np.clip((high * shallowest - x) / span, 0.0, 1.0)

    h_lo, h_hi = neighbours(h)
    eta_lo, eta_hi = neighbours(eta)
    bed_change = (eta_hi - h_hi) - (eta_lo - h_lo)
    surface = np.clip(slope_eta - 0.5 * bed_change, -2 * h, 2 * h)
    step = np.maximum(np.abs(eta_hi - eta), np.abs(eta - eta_lo))
    shallowest = np.minimum(np.minimum(h_lo, h_hi), h)
    weight = ramp(step, SMOOTH, SHOCK) * ramp(0.5 * np.abs(bed_change), GENTLE, STEEP)
    return slope_h + weight * (surface - slope_h)


def hll(left, right, g, dry_depth):
    """Hydrostatically reconstructed HLL flux between face states (h, eta, un, ut)."""
    hl0, etal, unl, utl = left
    hr0, etar, unr, utr = right
    bed_star = np.maximum(etal - hl0, etar - hr0)
    hl = np.maximum(etal - bed_star, 0.0)
    hr = np.maximum(etar - bed_star, 0.0)
    hl = np.where(hl > dry_depth, hl, 0.0)
    hr = np.where(hr > dry_depth, hr, 0.0)
    cl = np.sqrt(g * hl)
    cr = np.sqrt(g * hr)
    sl = np.minimum(np.minimum(unl - cl, unr - cr), 0.0)
    sr = np.maximum(np.maximum(unl + cl, unr + cr), 0.0)
    inv = 1.0 / np.maximum(sr - sl, TINY)
    ql, qr = hl * unl, hr * unr
    half_g = 0.5 * g
    moml = ql * unl + half_g * hl * hl
    momr = qr * unr + half_g * hr * hr
    mass = (sr * ql - sl * qr + sl * sr * (hr - hl)) * inv
    normal = (sr * moml - sl * momr + sl * sr * (qr - ql)) * inv
    tangential = 0.5 * (mass * (utl + utr) - np.abs(mass) * (utr - utl))
    pressure_left = half_g * (hl0 * hl0 - hl * hl)
    pressure_right = half_g * (hr0 * hr0 - hr * hr)
    return mass, normal, tangential, pressure_left, pressure_right


class NumpyShallowWater:
    """The engine's scheme on a ``(ny, nx)`` grid.

    Parameters
    ----------
    bed : bed elevation z (m, positive up), ``(ny, nx)``; its dtype sets the precision.
    dx, dy : cell sizes (m).
    manning : Manning n (s m⁻¹ᐟ³), scalar or ``(ny, nx)``; ``None`` for no friction.
    linear : linear friction rate τ (s⁻¹) instead of Manning.
    gravity, coriolis, viscosity, dry_depth : as in ``twinbench.core.Params``.
    sides : ``"wall"`` or ``"open"`` for each of west, east, south, north.
    banks : ``"wall"`` or ``"hydrostatic"``, as ``physics["banks"]`` (docs/numerics.md).
    """

    def __init__(
        self,
        bed,
        dx,
        dy,
        manning=None,
        linear=None,
        gravity=9.81,
        coriolis=0.0,
        viscosity=0.0,
        dry_depth=1e-6,
        sides=("wall", "wall", "wall", "wall"),
        banks="wall",
    ):
        self.dtype = np.asarray(bed).dtype
        scalar = self.dtype.type
        self.bed = np.asarray(bed)
        self.dx, self.dy = dx, dy
        self.manning = None if manning is None else np.asarray(manning, self.dtype)
        self.linear = None if linear is None else np.asarray(linear, self.dtype)
        self.g = scalar(gravity)
        self.f = scalar(coriolis)
        self.nu = scalar(viscosity)
        self.dry = scalar(dry_depth)
        self.west, self.east, self.south, self.north = sides
        self.banks = banks

    # -- pieces ---------------------------------------------------------------------------------

    def primitive(self, h, hu, hv):
        wet = h > self.dry
        inv_h = np.where(wet, 1.0 / np.where(wet, h, 1.0), 0.0).astype(self.dtype)
        return h + self.bed, hu * inv_h, hv * inv_h

    def along_x(self, h, eta, un, ut, spacing, low, high):
        """Tendencies (dh, d(h un), d(h ut)) from the fluxes through the x faces of every cell."""
        n = h.shape[-1]
        if n == 1:
            zero = np.zeros_like(h)
            return zero, zero, zero
        cells = [h, eta, un, ut]
        slopes = [0.5 * limited_slope(q) for q in cells]
        slopes[0] = 0.5 * depth_slope(2 * slopes[0], 2 * slopes[1], h, eta)
        # Boundary cells: the depth slope continues the bed slope of the neighbour (η flat).
        bed = eta - h
        slopes[0][..., 0] = 0.5 * np.clip(
            -(bed[..., 1] - bed[..., 0]), -2 * h[..., 0], 2 * h[..., 0]
        )
        slopes[0][..., -1] = 0.5 * np.clip(
            -(bed[..., -1] - bed[..., -2]), -2 * h[..., -1], 2 * h[..., -1]
        )
        lower = [q - s for q, s in zip(cells, slopes, strict=True)]  # at the face i − ½
        upper = [q + s for q, s in zip(cells, slopes, strict=True)]  # at the face i + ½

        # Outer states beyond the edges: a wall mirrors the normal velocity, open copies.
        sign_low = -1.0 if low == "wall" else 1.0
        sign_high = -1.0 if high == "wall" else 1.0
        outer_low = [
            lower[0][..., :1],
            lower[1][..., :1],
            sign_low * lower[2][..., :1],
            lower[3][..., :1],
        ]
        outer_high = [
            upper[0][..., -1:],
            upper[1][..., -1:],
            sign_high * upper[2][..., -1:],
            upper[3][..., -1:],
        ]
        # Faces 0..n: left states are cells −1..n−1's upper faces, right states cells 0..n's lower.
        left = [np.concatenate([o, u], axis=-1) for o, u in zip(outer_low, upper, strict=True)]
        right = [np.concatenate([lo, o], axis=-1) for lo, o in zip(lower, outer_high, strict=True)]
        if self.banks == "wall":
            bank_l, bank_r = self.banks_as_walls(h, eta, left, right)
            mirror_l, mirror_r = ([s[0], s[1], -s[2], s[3]] for s in (left, right))
            left = [np.where(bank_l, m, q) for m, q in zip(mirror_r, left, strict=True)]
            right = [np.where(bank_r, m, q) for m, q in zip(mirror_l, right, strict=True)]
        mass, normal, tangential, p_left, p_right = hll(left, right, self.g, self.dry)
        if self.banks == "wall":  # no mass or tangential flux; the bank takes nothing
            bank = bank_l | bank_r
            mass = np.where(bank, 0.0, mass)
            tangential = np.where(bank, 0.0, tangential)
            p_left = np.where(bank_l, -normal, p_left)
            p_right = np.where(bank_r, -normal, p_right)

        inv = 1.0 / spacing
        bed_slope = (
            -0.5 * self.g * (lower[0] + upper[0]) * ((upper[1] - upper[0]) - (lower[1] - lower[0]))
        )
        dh = -(mass[..., 1:] - mass[..., :-1]) * inv
        dhun = (
            -((normal[..., 1:] + p_left[..., 1:]) - (normal[..., :-1] + p_right[..., :-1]))
            + bed_slope
        ) * inv
        dhut = -(tangential[..., 1:] - tangential[..., :-1]) * inv
        return dh, dhun, dhut

    def banks_as_walls(self, h, eta, left, right):
        """Faces 0..n where the wet cell on one side meets a dry bank on the other (its bed
        above the wet surface, not run over: η + max(u_n, 0) √(h/g) ≤ the bank's face bed),
        along a straight run of coast (the faces beside it, across the axis, banks too)."""
        wet = h > self.dry
        hl, etal, unl, _ = (q[..., 1:-1] for q in left)
        hr, etar, unr, _ = (q[..., 1:-1] for q in right)
        run_l = etal + np.maximum(unl, 0.0) * np.sqrt(np.maximum(hl, 0.0) / self.g)
        run_r = etar + np.maximum(-unr, 0.0) * np.sqrt(np.maximum(hr, 0.0) / self.g)
        bank_r = wet[..., :-1] & ~wet[..., 1:] & (eta[..., 1:] > eta[..., :-1])
        bank_r &= run_l <= etar - hr
        bank_l = wet[..., 1:] & ~wet[..., :-1] & (eta[..., :-1] > eta[..., 1:])
        bank_l &= run_r <= etal - hl
        out = []
        for bank in (bank_l, bank_r):
            if bank.shape[0] > 1:  # rows: across the axis
                edge = np.concatenate([bank[:1], bank, bank[-1:]], axis=0)
                bank = bank & edge[:-2] & edge[2:]
            faces = np.zeros((*bank.shape[:-1], bank.shape[-1] + 2), bool)
            faces[..., 1:-1] = bank
            out.append(faces)
        return out

    def diffuse(self, q, h):
        """∇·(ν h ∇q), no flux through the edges."""
        out = np.zeros_like(q)
        if q.shape[1] > 1:
            fx = self.nu * 0.5 * (h[:, 1:] + h[:, :-1]) * (q[:, 1:] - q[:, :-1]) / self.dx
            out[:, :-1] += fx / self.dx
            out[:, 1:] -= fx / self.dx
        if q.shape[0] > 1:
            fy = self.nu * 0.5 * (h[1:] + h[:-1]) * (q[1:] - q[:-1]) / self.dy
            out[:-1] += fy / self.dy
            out[1:] -= fy / self.dy
        return out

    def tendency(self, h, hu, hv):
        eta, u, v = self.primitive(h, hu, hv)
        xh, xun, xut = self.along_x(h, eta, u, v, self.dx, self.west, self.east)
        yh, yun, yut = (
            a.T for a in self.along_x(h.T, eta.T, v.T, u.T, self.dy, self.south, self.north)
        )
        dh = xh + yh
        dhu = xun + yut + self.f * h * v + self.diffuse(u, h)
        dhv = xut + yun + -self.f * h * u + self.diffuse(v, h)
        return dh, dhu, dhv

    def friction_rate(self, h, u, v):
        if self.manning is not None:
            speed = np.sqrt(u * u + v * v + SPEED_EPS**2)
            return self.g * self.manning**2 * speed / (h * np.exp(np.log(h) / 3.0))
        if self.linear is not None:
            return np.broadcast_to(self.linear, h.shape)
        return np.zeros_like(h)

    def stage(self, h, hu, hv, dt):
        """U ↦ (h + Δt L_h, (hU + (1 + a) Δt L_hU) / (1 + a + a²)), a = Δt k(U)."""
        dh, dhu, dhv = self.tendency(h, hu, hv)
        h_new = np.maximum(h + dt * dh, 0.0)
        hu_new = hu + dt * dhu
        hv_new = hv + dt * dhv
        was_wet = h > self.dry
        h_before = np.where(was_wet, h, 1.0)
        u = np.where(was_wet, hu / h_before, 0.0)
        v = np.where(was_wet, hv / h_before, 0.0)
        wet = h_new > self.dry
        # k of the input depth, or of the new one in a cell that loses over half its water.
        depth = np.where(was_wet, h, np.where(wet, h_new, 1.0))
        depth = np.where(wet & (h_new < 0.5 * h), h_new, depth)
        a = dt * self.friction_rate(depth, u, v)
        scale = np.where(wet, 1.0 / (1.0 + a * (1.0 + a)), 0.0)
        return h_new, ((1 + a) * hu_new - a * hu) * scale, ((1 + a) * hv_new - a * hv) * scale

    def step(self, h, hu, hv, dt):
        """One SSP-RK2 step of ``dt`` seconds; returns (h, hu, hv)."""
        dt = self.dtype.type(dt)
        with np.errstate(divide="ignore", invalid="ignore"):
            s1 = self.stage(h, hu, hv, dt)
            s2 = self.stage(*s1, dt)
        return tuple(0.5 * (a + b) for a, b in zip((h, hu, hv), s2, strict=True))

    def run(self, h, hu, hv, dt, n_steps):
        for _ in range(n_steps):
            h, hu, hv = self.step(h, hu, hv, dt)
        return h, hu, hv
