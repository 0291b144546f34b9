"""Exact solutions of the shallow-water equations used to validate the engine.

Pure NumPy/SciPy, no twinbench import: these functions are the reference the engine is judged
against, so they must not share code with it. Formulas and parameter sets follow the SWASHES
compilation (Delestre, Lucas, Ksinant, Darboux, Laguerre, Vo, James & Cordier 2013, "SWASHES: a
compilation of shallow water analytic solutions for hydraulic and environmental studies",
Int. J. Numer. Meth. Fluids 72:269–300, doi:10.1002/fld.3741); section numbers refer to it.

Notation: depth h (m), velocity u, v (m s⁻¹), bed elevation z (m, positive up), free surface
η = h + z (m), gravity g (m s⁻²), unit discharge q = hu (m² s⁻¹).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special

G = 9.81


# --------------------------------------------------------------------------------------------
# Dam breaks (SWASHES §4.1, “dam breaks without friction”)
# --------------------------------------------------------------------------------------------


def ritter(
    x: np.ndarray, t: float, h_left: float, x0: float, g: float = G
) -> tuple[np.ndarray, np.ndarray]:
    """Ritter's dam break on a dry, flat, frictionless bed.

    SWASHES, “dam break on a dry domain without friction”.

    Still water ``h_left`` deep for x < x0 and a dry bed beyond is released at t = 0. With
    c_l = √(g h_l), x_A = x0 − c_l t and x_B = x0 + 2 c_l t::

        h = h_l,                            u = 0                       for x ≤ x_A
        h = 4/(9g) (c_l − (x − x0)/(2t))²,   u = 2/3 ((x − x0)/t + c_l)   for x_A ≤ x ≤ x_B
        h = 0,                              u = 0                       for x ≥ x_B

    Parameters
    ----------
    x : array of float
        Positions (m).
    t : float
        Time since the release (s), > 0.
    h_left : float
        Initial upstream depth (m).
    x0 : float
        Position of the dam (m).
    g : float
        Gravity (m s⁻²).

    Returns
    -------
    h, u : arrays
        Depth (m) and velocity (m s⁻¹) at ``x``.

    Examples
    --------
    >>> h, u = ritter(np.array([0.0, 5.0, 9.9]), 6.0, 0.005, 5.0)
    >>> bool(h[0] == 0.005 and h[2] == 0.0 and abs(h[1] - 4 / 9 * 0.005) < 1e-15)
    True
    """
    x = np.asarray(x, dtype=float)
    c_left = math.sqrt(g * h_left)
    xi = (x - x0) / t
    fan = (xi >= -c_left) & (xi <= 2.0 * c_left)
    h = np.where(xi < -c_left, h_left, 0.0)
    h = np.where(fan, 4.0 / (9.0 * g) * (c_left - 0.5 * xi) ** 2, h)
    u = np.where(fan, 2.0 / 3.0 * (xi + c_left), 0.0)
    return h, u


@dataclass(frozen=True)
class StokerState:
    """The intermediate state of Stoker's dam break and the positions of its waves at t = 1 s.

    ``c_m = √(g h_m)`` (m s⁻¹), ``h_m`` (m), ``u_m`` (m s⁻¹); the rarefaction head and tail and
    the shock move at ``speed_head``, ``speed_tail``, ``speed_shock`` (m s⁻¹).
    """

    c_m: float
    h_m: float
    u_m: float
    speed_head: float
    speed_tail: float
    speed_shock: float


def stoker_state(h_left: float, h_right: float, g: float = G) -> StokerState:
    """Intermediate state of the wet-bed dam break (SWASHES, “dam break on a wet domain
    without friction”; Stoker 1957).

    The rarefaction from the left state keeps the Riemann invariant u + 2c, so
    u_m = 2 (c_l − c_m) with c = √(g h); the shock into the still right state satisfies
    Rankine–Hugoniot, u_m = (h_m − h_r) √(g (h_m + h_r) / (2 h_m h_r)). Eliminating u_m gives
    SWASHES' equation for c_m,

        −8 g h_r c_m² (c_l − c_m)² + (c_m² − g h_r)² (c_m² + g h_r) = 0,

    whose left side is negative at c_m = c_r and positive at c_m = c_l: the root is bracketed
    and found by Brent's method. The shock speed is s = 2 c_m² (c_l − c_m) / (c_m² − g h_r).

    Examples
    --------
    >>> s = stoker_state(0.005, 0.001)
    >>> bool(0.001 < s.h_m < 0.005)
    True
    """
    if not h_left > h_right > 0.0:
        raise ValueError(f"need h_left > h_right > 0, got {h_left!r}, {h_right!r}")
    c_left = math.sqrt(g * h_left)
    c_right = math.sqrt(g * h_right)
    gh_r = g * h_right

    def residual(c: float) -> float:
        return -8.0 * gh_r * c * c * (c_left - c) ** 2 + (c * c - gh_r) ** 2 * (c * c + gh_r)

    c_m = optimize.brentq(residual, c_right, c_left, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    h_m = c_m * c_m / g
    u_m = 2.0 * (c_left - c_m)
    speed_shock = 2.0 * c_m * c_m * (c_left - c_m) / (c_m * c_m - gh_r)
    return StokerState(c_m, h_m, u_m, -c_left, u_m - c_m, speed_shock)


def stoker(
    x: np.ndarray, t: float, h_left: float, h_right: float, x0: float, g: float = G
) -> tuple[np.ndarray, np.ndarray]:
    """Stoker's dam break on a wet, flat, frictionless bed (SWASHES, “dam break on a wet domain
    without friction”).

    With c_l = √(g h_l), the intermediate state (h_m = c_m²/g, u_m) of :func:`stoker_state`,
    x_A = x0 − c_l t, x_B = x0 + (2 c_l − 3 c_m) t and x_C = x0 + s t::

        h = h_l,                            u = 0                       for x ≤ x_A
        h = 4/(9g) (c_l − (x − x0)/(2t))²,   u = 2/3 ((x − x0)/t + c_l)   for x_A ≤ x ≤ x_B
        h = h_m,                            u = u_m = 2 (c_l − c_m)     for x_B ≤ x < x_C
        h = h_r,                            u = 0                       for x ≥ x_C

    Parameters are those of :func:`ritter` plus ``h_right`` (m), the downstream depth.

    Examples
    --------
    >>> h, u = stoker(np.array([0.0, 9.9]), 6.0, 0.005, 0.001, 5.0)
    >>> h.tolist(), u.tolist()
    ([0.005, 0.001], [0.0, 0.0])
    """
    x = np.asarray(x, dtype=float)
    s = stoker_state(h_left, h_right, g)
    c_left = math.sqrt(g * h_left)
    xi = (x - x0) / t
    h = np.full_like(x, h_left)
    u = np.zeros_like(x)
    fan = (xi >= s.speed_head) & (xi < s.speed_tail)
    h = np.where(fan, 4.0 / (9.0 * g) * (c_left - 0.5 * xi) ** 2, h)
    u = np.where(fan, 2.0 / 3.0 * (xi + c_left), u)
    middle = (xi >= s.speed_tail) & (xi < s.speed_shock)
    h = np.where(middle, s.h_m, h)
    u = np.where(middle, s.u_m, u)
    h = np.where(xi >= s.speed_shock, h_right, h)
    u = np.where(xi >= s.speed_shock, 0.0, u)
    return h, u


# --------------------------------------------------------------------------------------------
# Lake at rest (SWASHES §3.1)
# --------------------------------------------------------------------------------------------


def bump_bed(x: np.ndarray) -> np.ndarray:
    """Bed elevation (m) of SWASHES §3.1: z = 0.2 − 0.05 (x − 10)² for 8 < x < 12, else 0.

    Examples
    --------
    >>> bump_bed(np.array([0.0, 10.0, 12.0])).tolist()
    [0.0, 0.2, 0.0]
    """
    x = np.asarray(x, dtype=float)
    return np.where((x > 8.0) & (x < 12.0), 0.2 - 0.05 * (x - 10.0) ** 2, 0.0)


def lake_at_rest(bed: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Still water over any bed (SWASHES §3.1.1 immersed, §3.1.2 emerged bump).

    η = max(level, z), h = max(level − z, 0), u = 0 for all time: the steady state a
    well-balanced scheme must keep exactly. On the 25 m channel of §3.1, level = 0.5 m covers
    the bump of :func:`bump_bed` (immersed) and level = 0.1 m leaves its top dry (emerged).

    Returns
    -------
    h, u : arrays
        Depth (m) and velocity (m s⁻¹, all zero).

    Examples
    --------
    >>> h, u = lake_at_rest(np.array([0.0, 0.2]), 0.1)
    >>> h.tolist(), u.tolist()
    ([0.1, 0.0], [0.0, 0.0])
    """
    bed = np.asarray(bed, dtype=float)
    return np.maximum(level - bed, 0.0), np.zeros_like(bed)


# --------------------------------------------------------------------------------------------
# Steady flows over the bump (SWASHES §3.1.3–3.1.5; Goutal & Maurel 1997): no friction
# --------------------------------------------------------------------------------------------
#: SWASHES' three cases: inflow discharge q (m² s⁻¹) and the downstream depth (m), imposed
#: while the outflow is subcritical (the transcritical flow leaves supercritical: then it is not).
BUMP_FLOWS = {
    "subcritical": {"q": 4.42, "h_out": 2.0},
    "transcritical": {"q": 1.53, "h_out": 0.66},  # critical at the top, supercritical after
    "shock": {"q": 0.18, "h_out": 0.33},  # critical at the top, then a hydraulic jump
}


def _bernoulli_roots(q: float, head: float, z: float, g: float = G) -> tuple[float, float]:
    """The subcritical and supercritical depths with energy head ``head`` over bed ``z``:
    roots of ``q²/(2 g h²) + h + z = head`` either side of the critical depth (NaN if none)."""
    from scipy.optimize import brentq

    h_c = (q * q / g) ** (1.0 / 3.0)
    f = lambda h: q * q / (2.0 * g * h * h) + h + z - head  # noqa: E731
    if f(h_c) > 0:  # not enough head to pass: no steady state at this point
        return math.nan, math.nan
    sub = brentq(f, h_c, head - z + 1.0, xtol=1e-15, rtol=1e-15)
    sup = brentq(f, 1e-9, h_c, xtol=1e-15, rtol=1e-15)
    return sub, sup


def bump_flow(x: np.ndarray, kind: str, g: float = G) -> tuple[np.ndarray, float]:
    """Exact steady depth (m) over :func:`bump_bed` for SWASHES' ``kind`` of flow, and q.

    * ``subcritical`` (§3.1.3): Bernoulli's head of the outflow, subcritical root everywhere.
    * ``transcritical`` (§3.1.4): critical depth ``(q²/g)^(1/3)`` at the top of the bump
      (x = 10 m), subcritical before it, supercritical after.
    * ``shock`` (§3.1.5): as transcritical up to a hydraulic jump at ``x_s`` > 10 m, where the
      supercritical depth h₁ and the subcritical depth h₂ of the outflow's head satisfy the
      jump condition ``q²/h₁ + g h₁²/2 = q²/h₂ + g h₂²/2``; subcritical after.

    Returns ``(h, x_shock)`` (``x_shock`` NaN without a jump).

    Examples
    --------
    >>> h, _ = bump_flow(np.array([0.0, 10.0]), "transcritical")
    >>> round(float(h[1]), 6) == round((1.53**2 / G) ** (1 / 3), 6)
    True
    """
    from scipy.optimize import brentq

    p = BUMP_FLOWS[kind]
    q = p["q"]
    x = np.asarray(x, dtype=float)
    z = bump_bed(x)
    h_c = (q * q / g) ** (1.0 / 3.0)
    critical_head = q * q / (2.0 * g * h_c * h_c) + h_c + 0.2  # at the top of the bump
    if kind == "subcritical":
        head = q * q / (2.0 * g * p["h_out"] ** 2) + p["h_out"]
        return np.array([_bernoulli_roots(q, head, zi, g)[0] for zi in z]), math.nan
    upstream = np.array([_bernoulli_roots(q, critical_head, zi, g)[0] for zi in z])
    downstream = np.array([_bernoulli_roots(q, critical_head, zi, g)[1] for zi in z])
    h = np.where(x < 10.0, upstream, downstream)
    if kind == "transcritical":
        return h, math.nan

    out_head = q * q / (2.0 * g * p["h_out"] ** 2) + p["h_out"]

    def momentum(h_: float) -> float:
        return q * q / h_ + 0.5 * g * h_ * h_

    def jump(xs: float) -> float:
        zs = float(bump_bed(np.array([xs]))[0])
        h1 = _bernoulli_roots(q, critical_head, zs, g)[1]
        h2 = _bernoulli_roots(q, out_head, zs, g)[0]
        return momentum(h1) - momentum(h2)

    # The outflow's subcritical state exists where z ≤ head − 3/2 h_c (enough head to stay
    # subcritical): the jump lies between there and the end of the bump.
    lowest = 10.0 + math.sqrt((0.2 - (out_head - 1.5 * h_c)) / 0.05)
    x_shock = brentq(jump, lowest + 1e-12, 12.0, xtol=1e-13)
    after = np.array([_bernoulli_roots(q, out_head, zi, g)[0] for zi in z])
    return np.where(x < x_shock, h, after), x_shock


# --------------------------------------------------------------------------------------------
# Inertial oscillation (a uniform current under Coriolis and linear friction)
# --------------------------------------------------------------------------------------------


def inertial_oscillation(
    t: np.ndarray, u0: float, v0: float, f: float, tau: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Velocity (m s⁻¹) of a uniform current on a flat, level sea under Coriolis ``f`` and
    linear friction ``tau`` (s⁻¹): ``du/dt = f v − τ u``, ``dv/dt = −f u − τ v``, so
    ``u + i v = (u0 + i v0) exp(−(τ + i f) t)`` — clockwise in the northern hemisphere, with
    the inertial period 2π/f (e.g. Gill 1982, *Atmosphere–Ocean Dynamics*, §9.3).

    Examples
    --------
    >>> u, v = inertial_oscillation(np.array([0.0, np.pi / 2e-4]), 1.0, 0.0, 1e-4)
    >>> np.round(u, 12).tolist(), np.round(v, 12).tolist()  # a quarter period: turned right
    ([1.0, 0.0], [0.0, -1.0])
    """
    w = (u0 + 1j * v0) * np.exp(-(tau + 1j * f) * np.asarray(t, dtype=float))
    return w.real, w.imag


# --------------------------------------------------------------------------------------------
# MacDonald's steady flows (SWASHES §3.2): the long channel, subcritical, with Manning friction
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MacDonald:
    """MacDonald et al. (1997)'s steady flows in a 1000 m channel with Manning friction
    (SWASHES §3.2, “long channel: 1000 m long”, the subcritical and supercritical cases).

    The depth profile is prescribed,

        subcritical:    h(x) = (4/g)^(1/3) (1 + ½ exp(−16 (x/L − ½)²))
        supercritical:  h(x) = (4/g)^(1/3) (1 − ⅕ exp(−36 (x/L − ½)²))

    the unit discharge is the constant q, and the bed is the one for which (h, q) is an exact
    steady solution with Manning friction; from the steady momentum equation
    ∂x(q²/h + g h²/2) + g h z' + g n² q²/h^(7/3) = 0,

        z'(x) = (q² / (g h³) − 1) h'(x) − n² q² / h^(10/3),

    integrated with z(L) = 0. With q = 2 m² s⁻¹ the critical depth is (q²/g)^(1/3) = (4/g)^(1/3):
    the subcritical flow has Froude² ≈ 0.97 at the ends, the supercritical one 1.0001 — both
    near-critical there. Boundaries: subcritical, discharge q upstream (x = 0) and level
    η(L) = h(L) downstream; supercritical, discharge q and depth h(0) upstream, free outflow.

    Parameters (SWASHES values by default): ``length`` L (m), ``discharge`` q (m² s⁻¹),
    ``manning`` n (s m^-1/3), ``g`` (m s⁻²), ``regime`` ("subcritical" or "supercritical").

    Examples
    --------
    >>> case = MacDonald()
    >>> round(float(case.depth(np.array([500.0]))[0]), 4)
    1.1123
    >>> round(float(MacDonald(regime="supercritical").depth(np.array([500.0]))[0]), 4)
    0.5932
    """

    length: float = 1000.0
    discharge: float = 2.0
    manning: float = 0.033
    g: float = G
    regime: str = "subcritical"

    @property
    def _shape(self) -> tuple[float, float]:
        """(amplitude, width) of the profile's bump: h = h_c (1 + A exp(−w s²))."""
        shapes = {"subcritical": (0.5, 16.0), "supercritical": (-0.2, 36.0)}
        if self.regime not in shapes:
            raise ValueError(f"regime must be one of {sorted(shapes)}, got {self.regime!r}")
        return shapes[self.regime]

    def depth(self, x: np.ndarray) -> np.ndarray:
        """Exact steady depth h(x) (m)."""
        amplitude, width = self._shape
        s = np.asarray(x, dtype=float) / self.length - 0.5
        return (4.0 / self.g) ** (1.0 / 3.0) * (1.0 + amplitude * np.exp(-width * s * s))

    def depth_slope(self, x: np.ndarray) -> np.ndarray:
        """h'(x) (dimensionless)."""
        amplitude, width = self._shape
        s = np.asarray(x, dtype=float) / self.length - 0.5
        bump = amplitude * np.exp(-width * s * s) * (-2.0 * width * s) / self.length
        return (4.0 / self.g) ** (1.0 / 3.0) * bump

    def bed_slope(self, x: np.ndarray) -> np.ndarray:
        """z'(x) (dimensionless) from the steady momentum balance (see the class docstring)."""
        h = self.depth(x)
        q2 = self.discharge**2
        froude2 = q2 / (self.g * h**3)
        return (froude2 - 1.0) * self.depth_slope(x) - self.manning**2 * q2 / h ** (10.0 / 3.0)

    def bed(self, x: np.ndarray) -> np.ndarray:
        """Bed elevation z(x) (m) with z(L) = 0: z(x) = −∫ₓᴸ z'(s) ds by adaptive quadrature."""
        x = np.atleast_1d(np.asarray(x, dtype=float))
        out = np.empty_like(x)
        for i, xi in enumerate(x):
            value, _ = integrate.quad(
                lambda s: float(self.bed_slope(np.array(s))),
                xi,
                self.length,
                epsabs=1e-13,
                epsrel=1e-13,
                limit=200,
            )
            out[i] = -value
        return out

    def velocity(self, x: np.ndarray) -> np.ndarray:
        """u = q / h (m s⁻¹)."""
        return self.discharge / self.depth(x)


def manning_normal_depth(discharge: float, manning: float, slope: float) -> float:
    """Normal depth (m) of uniform flow down a constant slope with Manning friction.

    Uniform steady flow (h' = 0) balances the bed slope S0 = −z' against the friction slope:
    S0 = n² q² / h^(10/3), hence h_n = (n q / √S0)^(3/5). The MacDonald bed formula above
    reduces to it when h' = 0. ``discharge`` q (m² s⁻¹), ``manning`` n (s m^-1/3), ``slope``
    S0 > 0 (dimensionless, descending in +x).

    Examples
    --------
    >>> round(manning_normal_depth(1.0, 0.033, 1e-3), 4)
    1.0259
    """
    return (manning * discharge / math.sqrt(slope)) ** 0.6


# --------------------------------------------------------------------------------------------
# Thacker's radially symmetric paraboloid (SWASHES, “radially-symmetrical paraboloid”)
# --------------------------------------------------------------------------------------------


class _Oscillation:
    """A periodic solution with angular frequency ``omega`` (s⁻¹)."""

    @property
    def period(self) -> float:
        """T = 2π/ω (s)."""
        return 2.0 * math.pi / self.omega


@dataclass(frozen=True)
class ThackerRadial(_Oscillation):
    """Thacker (1981)'s oscillation in a paraboloid of revolution with a curved surface.

    SWASHES “radially-symmetrical paraboloid” (2-D, frictionless, wetting and drying), in the
    square [0, L]² with
    r = √((x − L/2)² + (y − L/2)²)::

        z(r)    = −h0 (1 − r²/a²)
        η(r, t) = h0 (√(1 − A²)/(1 − A cos ωt) − 1 − r²/a² ((1 − A²)/(1 − A cos ωt)² − 1))
        h       = max(η − z, 0)
        u       = ω A sin ωt (x − L/2) / (2 (1 − A cos ωt)),  v likewise with y
        ω = √(8 g h0) / a,   A = (a² − r0²)/(a² + r0²)

    (u = v = 0 where dry). The period is T = 2π/ω. Parameters (SWASHES values by default):
    ``a`` (m), ``r0`` (m, the radius at which η = 0 at t = 0), ``h0`` (m, depth at the centre
    when at rest), ``length`` L (m), ``g`` (m s⁻²).

    Examples
    --------
    >>> case = ThackerRadial()
    >>> round(case.period, 4)
    2.2429
    """

    a: float = 1.0
    r0: float = 0.8
    h0: float = 0.1
    length: float = 4.0
    g: float = G

    @property
    def omega(self) -> float:
        """Angular frequency ω = √(8 g h0)/a (s⁻¹)."""
        return math.sqrt(8.0 * self.g * self.h0) / self.a

    @property
    def amplitude(self) -> float:
        """A = (a² − r0²)/(a² + r0²)."""
        return (self.a**2 - self.r0**2) / (self.a**2 + self.r0**2)

    def _r2(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (np.asarray(x) - 0.5 * self.length) ** 2 + (np.asarray(y) - 0.5 * self.length) ** 2

    def bed(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Bed elevation z (m)."""
        return -self.h0 * (1.0 - self._r2(x, y) / self.a**2)

    def surface(self, x: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
        """η (m) of the analytic paraboloid surface (meaningful where wet)."""
        A = self.amplitude
        d = 1.0 - A * np.cos(self.omega * t)
        r2 = self._r2(x, y) / self.a**2
        return self.h0 * (np.sqrt(1.0 - A * A) / d - 1.0 - r2 * ((1.0 - A * A) / d**2 - 1.0))

    def depth(self, x: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
        """h (m)."""
        return np.maximum(self.surface(x, y, t) - self.bed(x, y), 0.0)

    def velocity(self, x: np.ndarray, y: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(u, v) (m s⁻¹); zero where dry."""
        A = self.amplitude
        wt = self.omega * t
        factor = self.omega * A * np.sin(wt) / (2.0 * (1.0 - A * np.cos(wt)))
        wet = self.depth(x, y, t) > 0.0
        u = np.where(wet, factor * (np.asarray(x) - 0.5 * self.length), 0.0)
        v = np.where(wet, factor * (np.asarray(y) - 0.5 * self.length), 0.0)
        return u, v


@dataclass(frozen=True)
class ThackerPlanar(_Oscillation):
    """Thacker (1981)'s planar surface rotating in a paraboloid of revolution.

    SWASHES “planar surface in a paraboloid” (2-D, frictionless, wetting and drying), in the
    square [0, L]² with r = √((x − L/2)² + (y − L/2)²)::

        z(r)       = −h0 (1 − r²/a²)
        η(x, y, t) = (η0 h0/a²) (2 (x − L/2) cos ωt + 2 (y − L/2) sin ωt − η0)
        h          = max(η − z, 0)
        u = −η0 ω sin ωt,   v = η0 ω cos ωt   (where wet)
        ω = √(2 g h0) / a

    A tilted plane of water sloshing round the bowl: the shoreline is a moving circle of radius
    a, its centre travelling on a circle of radius η0 about the bowl's centre, and the velocity
    is uniform (T = 2π/ω). Parameters (SWASHES values by default): ``a``, ``h0``, ``eta0`` (m),
    ``length`` L (m), ``g``, and the Coriolis parameter ``f`` (s⁻¹, 0 by default).

    With rotation (Thacker 1981, §4) the same fields solve the equations with ω the root of
    ω (ω + f) = 2 g h0/a², ω = (√(f² + 8 g h0/a²) − f)/2: the plane turns with the Earth's
    sense of rotation (anticlockwise for f > 0) more slowly, the Coriolis force on the uniform
    velocity taking part of the pressure gradient's role.

    Examples
    --------
    >>> case = ThackerPlanar()
    >>> round(case.period, 4)
    4.4857
    """

    a: float = 1.0
    h0: float = 0.1
    eta0: float = 0.5
    length: float = 4.0
    g: float = G
    f: float = 0.0

    @property
    def omega(self) -> float:
        """Angular frequency ω = (√(f² + 8 g h0/a²) − f)/2 (s⁻¹; √(2 g h0)/a without rotation)."""
        return 0.5 * (math.sqrt(self.f**2 + 8.0 * self.g * self.h0 / self.a**2) - self.f)

    def bed(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Bed elevation z (m)."""
        r2 = (np.asarray(x) - 0.5 * self.length) ** 2 + (np.asarray(y) - 0.5 * self.length) ** 2
        return -self.h0 * (1.0 - r2 / self.a**2)

    def surface(self, x: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
        """η (m) of the plane (meaningful where wet)."""
        wt = self.omega * t
        xc, yc = np.asarray(x) - 0.5 * self.length, np.asarray(y) - 0.5 * self.length
        return (
            self.eta0
            * self.h0
            / self.a**2
            * (2.0 * xc * np.cos(wt) + 2.0 * yc * np.sin(wt) - self.eta0)
        )

    def depth(self, x: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
        """h (m)."""
        return np.maximum(self.surface(x, y, t) - self.bed(x, y), 0.0)

    def velocity(self, x: np.ndarray, y: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(u, v) (m s⁻¹); zero where dry."""
        wt = self.omega * t
        wet = self.depth(x, y, t) > 0.0
        u = np.where(wet, -self.eta0 * self.omega * np.sin(wt), 0.0)
        v = np.where(wet, self.eta0 * self.omega * np.cos(wt), 0.0)
        return u, v


# --------------------------------------------------------------------------------------------
# Sampson's damped oscillation in a parabola (SWASHES, “planar surface in a parabola with
# friction”)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sampson(_Oscillation):
    """Sampson, Easton & Singh (2006)'s planar surface oscillating in a parabolic channel with
    linear friction ``du/dt = … − τ u``: a 1-D case with moving shorelines and damping.

    On [0, L] with ξ = x − L/2 (SWASHES values by default)::

        z(ξ)    = h0 ξ²/a²
        u(t)    = B e^(−τt/2) sin st                       (uniform where wet)
        η(ξ, t) = h0 + a² B² e^(−τt) / (8 g² h0) · (−sτ sin 2st + (τ²/4 − s²) cos 2st)
                  − B² e^(−τt) / (4 g) − e^(−τt/2) / g · (B s cos st + τ B / 2 sin st) ξ
        h       = max(η − z, 0),   p = √(8 g h0) / a,   s = √(p² − τ²) / 2

    A uniform u and a linear η make u ∂u/∂x vanish, so the momentum equation is
    u' + g η_ξ = −τ u, and continuity with the parabolic bed gives η_ξ' = 2 h0 u / a²: u is a
    damped oscillator u'' + τ u' + (p²/4) u = 0 (``s`` the damped angular frequency, τ < p).

    Examples
    --------
    >>> case = Sampson()
    >>> round(case.period, 1)
    1353.5
    >>> round(float(case.velocity(5000.0, case.period / 4)), 4)  # B e^(−τT/8)
    4.2218
    >>> [round(x, 1) for x in case.shorelines(0.0)]
    [935.3, 6935.3]
    """

    a: float = 3000.0
    h0: float = 10.0
    tau: float = 1e-3
    B: float = 5.0
    length: float = 10000.0
    g: float = G

    @property
    def omega(self) -> float:
        """The damped angular frequency s = √(p² − τ²)/2 (s⁻¹)."""
        p = math.sqrt(8.0 * self.g * self.h0) / self.a
        return 0.5 * math.sqrt(p * p - self.tau * self.tau)

    def bed(self, x: np.ndarray) -> np.ndarray:
        """Bed elevation z (m)."""
        xi = np.asarray(x, dtype=float) - 0.5 * self.length
        return self.h0 * xi * xi / self.a**2

    def slope(self, t: float) -> float:
        """∂η/∂x (the plane's slope) at ``t``."""
        s, tau, b = self.omega, self.tau, self.B
        st = s * t
        return (
            -math.exp(-0.5 * tau * t)
            / self.g
            * (b * s * math.cos(st) + 0.5 * tau * b * math.sin(st))
        )

    def level(self, t: float) -> float:
        """η at the channel's centre (m)."""
        s, tau, b, g, a, h0 = self.omega, self.tau, self.B, self.g, self.a, self.h0
        damp = math.exp(-tau * t)
        swing = -s * tau * math.sin(2.0 * s * t) + (0.25 * tau * tau - s * s) * math.cos(
            2.0 * s * t
        )
        return h0 + a * a * b * b * damp / (8.0 * g * g * h0) * swing - b * b * damp / (4.0 * g)

    def surface(self, x: np.ndarray, t: float) -> np.ndarray:
        """η (m) of the plane (meaningful where wet)."""
        xi = np.asarray(x, dtype=float) - 0.5 * self.length
        return self.level(t) + self.slope(t) * xi

    def depth(self, x: np.ndarray, t: float) -> np.ndarray:
        """h (m)."""
        return np.maximum(self.surface(x, t) - self.bed(x), 0.0)

    def velocity(self, x: np.ndarray, t: float) -> np.ndarray:
        """u (m s⁻¹): uniform where wet, zero where dry."""
        u = self.B * math.exp(-0.5 * self.tau * t) * math.sin(self.omega * t)
        return np.where(self.depth(x, t) > 0.0, u, 0.0)

    def shorelines(self, t: float) -> tuple[float, float]:
        """The two wet/dry points x (m), where the plane meets the parabola."""
        c = self.h0 / self.a**2  # c ξ² − S ξ − η(centre) = 0
        slope, level = self.slope(t), self.level(t)
        root = math.sqrt(slope * slope + 4.0 * c * level)
        return (
            0.5 * self.length + (slope - root) / (2.0 * c),
            0.5 * self.length + (slope + root) / (2.0 * c),
        )


# --------------------------------------------------------------------------------------------
# Solitary wave runup on a plane beach (Synolakis 1987)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolitaryRunup:
    """A solitary wave of height H on water of depth d running up a plane beach of slope
    1 : ``cot`` (Synolakis 1987, J. Fluid Mech. 185:523; NTHMP benchmark 1), x measured seaward
    from the still-water shoreline: bed z = −x/cot up to the toe X0 = d cot, −d beyond.

    The wave starts centred at X0 + L, L = arccosh(√20)/γ (its surface 5 % of H at the toe),
    γ = √(3H/(4d³)), moving shoreward. Linear theory gives the shoreline's elevation (Synolakis's
    eq. 2.9, from matching J0(2k√(x X0)) on the beach to the incident and reflected waves at
    the toe)::

        R(t) = 2 Re ∫₀^∞ 2 F(k) e^{ikct} / (J0(2kX0) + i J1(2kX0)) dk,
        F(k) = H k e^{−ikL} / (2γ² sinh(πk/(2γ))),   c = √(g d)

    and, by Carrier & Greenspan's transformation, its maximum is that of the nonlinear
    shallow-water equations for a wave that does not break (H/d < 0.8183 cot^(−10/9)). For a
    long beach (γ X0 ≫ 1) it tends to R/d = 2.831 √cot (H/d)^(5/4).

    Examples
    --------
    >>> case = SolitaryRunup()
    >>> round(case.max_runup() / case.d, 4), round(case.runup_law() / case.d, 4)
    (0.0883, 0.0861)
    """

    H: float = 0.0185
    d: float = 1.0
    cot: float = 19.85
    g: float = G

    def __post_init__(self):
        if not 0.0 < self.H / self.d < 0.8183 * self.cot ** (-10.0 / 9.0):
            raise ValueError(
                f"H/d = {self.H / self.d:g} breaks on a 1:{self.cot:g} beach "
                f"(non-breaking below {0.8183 * self.cot ** (-10.0 / 9.0):.4f})"
            )

    @property
    def gamma(self) -> float:
        return math.sqrt(3.0 * self.H / (4.0 * self.d**3))

    @property
    def toe(self) -> float:
        """X0 = d cot (m)."""
        return self.d * self.cot

    @property
    def offset(self) -> float:
        """L: the wave's centre starts this far seaward of the toe (m)."""
        return math.acosh(math.sqrt(20.0)) / self.gamma

    def bed(self, x: np.ndarray) -> np.ndarray:
        """Bed elevation (m): the beach, dry land above the shoreline, flat beyond the toe."""
        return np.maximum(-np.asarray(x, dtype=float) / self.cot, -self.d)

    def initial(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(η, u) at t = 0: H sech²(γ(x − X0 − L)), u = −2(√(g(d + η)) − √(g d)) (a simple
        wave moving shoreward) where the water is deeper than half d, 0 on the beach's top."""
        x = np.asarray(x, dtype=float)
        eta = self.H / np.cosh(self.gamma * (x - self.toe - self.offset)) ** 2
        deep = self.bed(x) < -0.5 * self.d
        u = np.where(
            deep, -2.0 * (np.sqrt(self.g * (self.d + eta)) - math.sqrt(self.g * self.d)), 0.0
        )
        return eta, u

    def runup(self, t: np.ndarray) -> np.ndarray:
        """The shoreline's elevation R(t) (m) of linear theory (see the class docstring)."""
        gamma, c = self.gamma, math.sqrt(self.g * self.d)
        k = np.linspace(1e-9, 60.0 * gamma, 200_001)
        spectrum = self.H * k * np.exp(-1j * k * self.offset)
        spectrum /= 2.0 * gamma**2 * np.sinh(np.pi * k / (2.0 * gamma))
        transfer = 2.0 / (special.j0(2.0 * k * self.toe) + 1j * special.j1(2.0 * k * self.toe))
        kernel = spectrum * transfer
        return np.array(
            [
                2.0 * np.trapezoid((kernel * np.exp(1j * k * c * tt)).real, k)
                for tt in np.atleast_1d(t)
            ]
        )

    def max_runup(self) -> float:
        """max_t R(t) (m)."""
        return self._maximum()[1]

    def time_of_max_runup(self) -> float:
        """The time (s) of max_t R(t)."""
        return self._maximum()[0]

    @functools.cache  # noqa: B019 — a frozen dataclass: hashable, few instances
    def _maximum(self) -> tuple[float, float]:
        """(t, R) at R's maximum: a scan, then a bounded minimisation around its best point."""
        c = math.sqrt(self.g * self.d)
        times = np.linspace(0.0, 3.0 * (self.offset + self.toe) / c, 301)
        best = int(np.argmax(self.runup(times)))
        low, high = times[max(best - 1, 0)], times[min(best + 1, times.size - 1)]
        found = optimize.minimize_scalar(
            lambda t: -self.runup(t)[0], bounds=(low, high), method="bounded",
            options={"xatol": 1e-6},
        )  # fmt: skip
        return float(found.x), float(-found.fun)

    def runup_law(self) -> float:
        """Synolakis's asymptotic law R = 2.831 √cot (H/d)^(5/4) d (m)."""
        return 2.831 * math.sqrt(self.cot) * (self.H / self.d) ** 1.25 * self.d


# --------------------------------------------------------------------------------------------
# Linear seiche
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seiche(_Oscillation):
    """A linear standing wave in a closed, flat basin of depth H on 0 ≤ x ≤ L.

    Mode m (k = mπ/L) of the linearised equations ∂t η + H ∂x u = 0, ∂t u + g ∂x η = 0::

        η = a cos(kx) cos(ωt),   u = a ω/(k H) sin(kx) sin(ωt),   ω = k √(g H)

    so u = 0 at both walls and the period is T = 2L/(m √(gH)) (Merian's formula). The
    nonlinear equations differ by O(a/H) in the fields and O((a/H)²) in the period.
    Parameters: ``length`` L (m), ``depth`` H (m), ``amplitude`` a (m), ``mode`` m, ``g``.

    Examples
    --------
    >>> round(Seiche(length=1000.0, depth=10.0).period, 3)
    201.928
    """

    length: float = 1000.0
    depth: float = 10.0
    amplitude: float = 0.01
    mode: int = 1
    g: float = G

    @property
    def wavenumber(self) -> float:
        """k = mπ/L (m⁻¹)."""
        return self.mode * math.pi / self.length

    @property
    def omega(self) -> float:
        """ω = k √(g H) (s⁻¹)."""
        return self.wavenumber * math.sqrt(self.g * self.depth)

    def surface(self, x: np.ndarray, t: float) -> np.ndarray:
        """η (m)."""
        return self.amplitude * np.cos(self.wavenumber * np.asarray(x)) * np.cos(self.omega * t)

    def velocity(self, x: np.ndarray, t: float) -> np.ndarray:
        """u (m s⁻¹)."""
        k = self.wavenumber
        scale = self.amplitude * self.omega / (k * self.depth)
        return scale * np.sin(k * np.asarray(x)) * np.sin(self.omega * t)

    def cell_average_surface(self, x: np.ndarray, dx: float, t: float) -> np.ndarray:
        """η averaged over cells of width ``dx`` centred at ``x`` (exact: a sinc factor)."""
        k = self.wavenumber
        return self.surface(x, t) * np.sinc(k * dx / (2.0 * math.pi))


# --------------------------------------------------------------------------------------------
# Tidal waves: a Kelvin wave along a coast, and the co-oscillating tide of a closed channel
# --------------------------------------------------------------------------------------------


M2_PERIOD = 44714.16  # s, the principal lunar semidiurnal tide


def _box_average(values_at, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Average over [low, high] of a function whose antiderivative is ``values_at``."""
    return (values_at(high) - values_at(low)) / (high - low)


@dataclass(frozen=True)
class KelvinWave(_Oscillation):
    """A Kelvin wave on an f-plane, travelling along x with the coast (a wall) at y = 0.

    The linearised equations ∂t η + H (∂x u + ∂y v) = 0, ∂t u − f v + g ∂x η = 0,
    ∂t v + f u + g ∂y η = 0 have, with v ≡ 0 (Gill 1982, "Atmosphere–Ocean Dynamics", §10.4;
    Thomson 1879)::

        η = a e^(−y/R) cos(ωt − kx),   u = (g/c) η,   c = √(g H),  k = ω/c,  R = c/f

    the coast on the right of the direction of travel for f > 0. A second wall at y = W (any
    W) leaves it exact, v being zero. ``omega`` is M2's by default.

    Examples
    --------
    >>> round(KelvinWave(depth=10.0, f=1e-4).rossby_radius / 1e3, 2)
    99.05
    """

    depth: float = 10.0
    amplitude: float = 0.001
    f: float = 1e-4
    omega: float = 2.0 * math.pi / M2_PERIOD
    g: float = G

    @property
    def speed(self) -> float:
        """c = √(g H) (m s⁻¹)."""
        return math.sqrt(self.g * self.depth)

    @property
    def rossby_radius(self) -> float:
        """R = c / f (m)."""
        return self.speed / self.f

    @property
    def wavenumber(self) -> float:
        """k = ω / c (m⁻¹)."""
        return self.omega / self.speed

    def complex_surface(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Ẑ with η = Re(Ẑ e^(iωt)): a e^(−y/R − ikx), on the grid ``(y, x)`` of the arguments."""
        x, y = np.asarray(x, float), np.asarray(y, float)
        return self.amplitude * np.exp(-y[:, None] / self.rossby_radius - 1j * self.wavenumber * x)

    def cell_average_complex_surface(self, x, y, dx: float, dy: float) -> np.ndarray:
        """Ẑ averaged over cells ``dx × dy`` centred at ``x``, ``y`` (exact: separable)."""
        x, y = np.asarray(x, float), np.asarray(y, float)
        k, r = self.wavenumber, self.rossby_radius
        along = _box_average(lambda s: np.exp(-1j * k * s) / (-1j * k), x - dx / 2, x + dx / 2)
        across = _box_average(lambda s: -r * np.exp(-s / r), y - dy / 2, y + dy / 2)
        return self.amplitude * across[:, None] * along[None, :]

    def cell_average_surface(self, x, y, dx: float, dy: float, t: float) -> np.ndarray:
        """η (m) averaged over the cells at time ``t``."""
        z = self.cell_average_complex_surface(x, y, dx, dy)
        return np.real(z * np.exp(1j * self.omega * t))

    def cell_average_velocity(self, x, y, dx: float, dy: float, t: float) -> np.ndarray:
        """u = (g/c) η (m s⁻¹), averaged over the cells."""
        return self.g / self.speed * self.cell_average_surface(x, y, dx, dy, t)


@dataclass(frozen=True)
class CoOscillatingTide(_Oscillation):
    """The tide of a closed channel, forced at its mouth, with linear friction (Ippen 1966,
    "Estuary and Coastline Hydrodynamics", ch. 10; the linear estuary of Prandle 2009).

    A flat channel of depth H on 0 ≤ x ≤ L, the level η(0, t) = A cos(ωt) imposed at the
    mouth, a wall at x = L; linearised ∂t η + H ∂x u = 0, ∂t u + g ∂x η + τ u = 0::

        η = Re{ A cos(κ(L − x)) / cos(κL) e^(iωt) },   κ² = ω (ω − iτ) / (g H)
        u = Re{ −g ∂x η̂ / (iω + τ) e^(iωt) }

    so the head's amplitude is A / |cos(κL)| (the amplification of a funnel-free estuary) and
    the tide arrives there late by −arg(1/cos κL)/ω. Without friction it is a standing wave
    (resonant at κL = π/2); friction makes part of it progressive.

    Examples
    --------
    >>> tide = CoOscillatingTide(length=80e3, depth=10.0, tau=0.0)
    >>> round(tide.head_amplification, 3)
    2.369
    """

    length: float = 80e3
    depth: float = 10.0
    amplitude: float = 0.001
    tau: float = 1e-4
    omega: float = 2.0 * math.pi / M2_PERIOD
    g: float = G

    @property
    def kappa(self) -> complex:
        """κ = √(ω (ω − iτ) / (g H)) (m⁻¹), the root with a positive real part."""
        return np.sqrt(complex(self.omega**2, -self.omega * self.tau) / (self.g * self.depth))

    @property
    def head_amplification(self) -> float:
        """|η̂(L)| / A = 1 / |cos(κL)|."""
        return float(abs(1.0 / np.cos(self.kappa * self.length)))

    @property
    def head_lag(self) -> float:
        """Time (s) by which high water at the head follows high water at the mouth."""
        return float(-np.angle(1.0 / np.cos(self.kappa * self.length)) / self.omega)

    def complex_surface(self, x: np.ndarray) -> np.ndarray:
        """η̂(x) (m): η = Re(η̂ e^(iωt))."""
        k, length = self.kappa, self.length
        return self.amplitude * np.cos(k * (length - np.asarray(x, float))) / np.cos(k * length)

    def cell_average_complex_surface(self, x: np.ndarray, dx: float) -> np.ndarray:
        """η̂ averaged over cells of width ``dx`` centred at ``x``."""
        k, length = self.kappa, self.length
        x = np.asarray(x, float)
        antiderivative = lambda s: -np.sin(k * (length - s)) / k  # noqa: E731
        return (
            self.amplitude
            * _box_average(antiderivative, x - dx / 2, x + dx / 2)
            / np.cos(k * length)
        )

    def cell_average_complex_velocity(self, x: np.ndarray, dx: float) -> np.ndarray:
        """û averaged over the cells: −g (η̂(x + dx/2) − η̂(x − dx/2)) / (dx (iω + τ))."""
        x = np.asarray(x, float)
        jump = self.complex_surface(x + dx / 2) - self.complex_surface(x - dx / 2)
        return -self.g * jump / (dx * complex(self.tau, self.omega))
