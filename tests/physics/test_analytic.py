"""The exact solutions themselves: each one checked against the equations it claims to solve.

A validation suite is only as good as its reference, so the formulas of ``analytic.py`` are
verified independently of the engine: jump conditions and Riemann invariants for the dam
breaks, conservation of mass, and the shallow-water equations evaluated by finite differences
for the smooth solutions.
"""

from __future__ import annotations

import itertools
import math

import analytic
import numpy as np
import pytest
from scipy import integrate

G = analytic.G


# ---------------------------------------------------------------------------- Stoker / Ritter
@pytest.mark.parametrize(("h_left", "h_right"), [(0.005, 0.001), (1.0, 0.5), (10.0, 1e-4)])
def test_stoker_state_satisfies_rankine_hugoniot_and_riemann_invariant(h_left, h_right):
    s = analytic.stoker_state(h_left, h_right)
    assert h_right < s.h_m < h_left
    # Rarefaction: u + 2c is constant from the still left state.
    assert s.u_m + 2 * s.c_m == pytest.approx(2 * math.sqrt(G * h_left), rel=1e-13)
    # Shock into the still right state: mass and momentum jump conditions.
    mass = s.speed_shock * (s.h_m - h_right) - s.h_m * s.u_m
    momentum = s.speed_shock * s.h_m * s.u_m - (
        s.h_m * s.u_m**2 + 0.5 * G * s.h_m**2 - 0.5 * G * h_right**2
    )
    assert abs(mass) < 1e-13 * s.h_m * s.u_m
    assert abs(momentum) < 1e-12 * (0.5 * G * s.h_m**2)
    # Lax entropy condition: the shock is faster than the right state's waves, slower than the
    # middle state's, and the rarefaction tail is behind it.
    assert math.sqrt(G * h_right) < s.speed_shock < s.u_m + s.c_m
    assert s.speed_head < s.speed_tail < s.speed_shock


def test_stoker_is_continuous_across_the_rarefaction_and_tends_to_ritter():
    h_l, h_r, x0, t = 0.005, 0.001, 5.0, 6.0
    s = analytic.stoker_state(h_l, h_r)
    eps = 1e-9
    for speed in (s.speed_head, s.speed_tail):
        xs = x0 + t * speed + np.array([-eps, eps])
        h, u = analytic.stoker(xs, t, h_l, h_r, x0)
        assert abs(h[1] - h[0]) < 1e-9 * h_l and abs(u[1] - u[0]) < 1e-8
    x = np.linspace(0.0, 10.0, 2001)
    h_s, _ = analytic.stoker(x, t, h_l, 1e-12, x0)
    h_r0, _ = analytic.ritter(x, t, h_l, x0)
    assert np.max(np.abs(h_s - h_r0)) < 1e-3 * h_l  # away from a front that fills h_r → 0


@pytest.mark.parametrize("wet", [True, False])
def test_dam_break_solutions_conserve_mass_and_momentum_balance(wet):
    """∫h dx is constant; ∫hu dx grows at the rate of the pressure force g(h_l² − h_r²)/2."""
    h_l, h_r, x0 = 0.005, (0.001 if wet else 0.0), 5.0

    def solution(x, t):
        if wet:
            return analytic.stoker(x, t, h_l, h_r, x0)
        return analytic.ritter(x, t, h_l, x0)

    for t in (1.0, 6.0):
        s = analytic.stoker_state(h_l, h_r) if wet else None
        breaks = [x0 - t * math.sqrt(G * h_l)]
        breaks += [x0 + t * s.speed_tail, x0 + t * s.speed_shock] if wet else []
        breaks += [] if wet else [x0 + 2 * t * math.sqrt(G * h_l)]

        def depth(x, t=t):
            return solution(np.array([x]), t)[0][0]

        mass = integrate.quad(depth, 0, 10, points=breaks)
        assert mass[0] == pytest.approx(h_l * x0 + h_r * (10 - x0), rel=1e-10)

        def discharge(x, t=t):
            h, u = solution(np.array([x]), t)
            return h[0] * u[0]

        momentum = integrate.quad(discharge, 0, 10, points=breaks, epsabs=1e-15)[0]
        assert momentum == pytest.approx(0.5 * G * (h_l**2 - h_r**2) * t, rel=1e-9)


def test_stoker_rejects_a_dry_or_inverted_state():
    with pytest.raises(ValueError, match="h_left > h_right > 0"):
        analytic.stoker_state(0.001, 0.0)
    with pytest.raises(ValueError, match="h_left > h_right > 0"):
        analytic.stoker_state(0.001, 0.005)


# ------------------------------------------------------------------------------ lake at rest
def test_bump_and_lake_at_rest_match_swashes():
    x = np.linspace(0.0, 25.0, 2501)
    z = analytic.bump_bed(x)
    assert z.max() == pytest.approx(0.2) and z.min() == 0.0
    h, u = analytic.lake_at_rest(z, 0.5)
    np.testing.assert_allclose(h + z, 0.5, atol=1e-15)
    h, u = analytic.lake_at_rest(z, 0.1)
    dry = h == 0.0
    assert np.all(np.abs(x[dry] - 10.0) <= math.sqrt(0.1 / 0.05) + 1e-12)  # z > 0.1 there
    assert np.all(u == 0.0)


# ---------------------------------------------------------------------------------- MacDonald
@pytest.mark.parametrize("regime", ["subcritical", "supercritical"])
def test_macdonald_bed_makes_the_depth_an_exact_steady_solution(regime):
    """Steady momentum residual ∂x(q²/h + g h²/2) + g h z' + g n² q²/h^(7/3) with the
    quadrature bed, by 4th-order finite differences: zero to the differencing error."""
    case = analytic.MacDonald(regime=regime)
    x = np.linspace(50.0, 950.0, 19)
    d = 0.5
    q = case.discharge

    def momentum_flux(x):
        h = case.depth(x)
        return q * q / h + 0.5 * G * h * h

    def fourth_order(f, x):
        return (-f(x + 2 * d) + 8 * f(x + d) - 8 * f(x - d) + f(x - 2 * d)) / (12 * d)

    h = case.depth(x)
    residual = (
        fourth_order(momentum_flux, x)
        + G * h * fourth_order(case.bed, x)
        + G * case.manning**2 * q * q / h ** (7 / 3)
    )
    scale = G * h * np.abs(case.bed_slope(x))
    assert np.max(np.abs(residual) / scale) < 1e-8


def _integrated_depth(case, x):
    """h at ``x`` from the steady ODE h' = (−z' − n² q²/h^(10/3)) / (1 − q²/(g h³)) on the
    case's quadrature bed slope, started from the exact depth at ``x[0]`` (upstream or
    downstream)."""
    q, n = case.discharge, case.manning
    sol = integrate.solve_ivp(
        lambda s, y: [
            (-case.bed_slope(np.array(s)) - n**2 * q**2 / y[0] ** (10 / 3))
            / (1 - q**2 / (G * y[0] ** 3))
        ],
        (x[0], x[-1]),
        [case.depth(np.array([x[0]]))[0]],
        t_eval=x,
        rtol=1e-11,
        atol=1e-12,
    )
    return sol.y[0]


def test_macdonald_profile_and_regime():
    case = analytic.MacDonald()
    x = np.linspace(0.0, 1000.0, 1001)
    h = case.depth(x)
    assert case.bed(np.array([1000.0]))[0] == 0.0
    assert h.max() == pytest.approx((4 / G) ** (1 / 3) * 1.5, rel=1e-12)
    froude2 = case.discharge**2 / (G * h**3)
    assert froude2.max() < 1.0  # subcritical everywhere (≈ 0.97 at the ends)
    # The steady ODE, integrated from the downstream depth on the quadrature bed's slope,
    # gives back the prescribed profile.
    np.testing.assert_allclose(_integrated_depth(case, x[::-1])[::-1], h, rtol=1e-7)


def test_macdonald_supercritical_profile_and_regime():
    case = analytic.MacDonald(regime="supercritical")
    x = np.linspace(0.0, 1000.0, 1001)
    h = case.depth(x)
    assert h.min() == pytest.approx((4 / G) ** (1 / 3) * 0.8, rel=1e-12)
    froude2 = case.discharge**2 / (G * h**3)
    assert froude2.min() > 1.0  # supercritical everywhere (≈ 1.0001 at the ends)
    # The steady ODE, integrated downstream from the upstream depth, gives back the profile.
    np.testing.assert_allclose(_integrated_depth(case, x), h, rtol=1e-6)
    with pytest.raises(ValueError, match="regime"):
        analytic.MacDonald(regime="transcritical").depth(x)


def test_manning_normal_depth_balances_slope_and_friction():
    h = analytic.manning_normal_depth(1.0, 0.033, 1e-3)
    assert 0.033**2 * 1.0 / h ** (10 / 3) == pytest.approx(1e-3, rel=1e-13)


# ------------------------------------------------------------------------------------ Thacker
def _residuals(case, X, Y, t, d=1e-4):
    """Continuity and x-, y-momentum residuals of a solution (``depth``, ``velocity``,
    ``surface``) by centred differences in space and time, and its wet cells (h > 1e-3: away
    from the shoreline, where h has a kink)."""
    u, v = case.velocity(X, Y, t)

    def centred(f, k, dx, dy, dt):
        return (f(X + dx, Y + dy, t + dt)[k] - f(X - dx, Y - dy, t - dt)[k]) / (2 * d)

    def flux(x, y, t):
        h = case.depth(x, y, t)
        return h * case.velocity(x, y, t)[0], h * case.velocity(x, y, t)[1]

    def surface(x, y, t):
        return (case.surface(x, y, t),)

    continuity = (case.depth(X, Y, t + d) - case.depth(X, Y, t - d)) / (2 * d)
    continuity = continuity + centred(flux, 0, d, 0, 0) + centred(flux, 1, 0, d, 0)
    f = getattr(case, "f", 0.0)  # the Coriolis acceleration (−f v, f u)
    momentum = [
        centred(case.velocity, k, 0, 0, d)
        + u * centred(case.velocity, k, d, 0, 0)
        + v * centred(case.velocity, k, 0, d, 0)
        + G * centred(surface, 0, dx, dy, 0)
        + coriolis
        for k, (dx, dy), coriolis in zip(
            range(2), ((d, 0.0), (0.0, d)), (-f * v, f * u), strict=True
        )
    ]
    return continuity, momentum, case.depth(X, Y, t) > 1e-3


def test_thacker_solves_the_shallow_water_equations():
    """Continuity and both momentum equations by centred differences in space and time, where
    wet."""
    case = analytic.ThackerRadial()
    xs = np.linspace(1.2, 2.8, 17)
    X, Y = np.meshgrid(xs, xs)
    for t in np.linspace(0.1, 2.0, 7) * case.period:
        continuity, momentum, wet = _residuals(case, X, Y, t)
        assert np.max(np.abs(continuity)[wet]) < 1e-6 * case.h0 * case.omega
        for residual in momentum:
            assert np.max(np.abs(residual)[wet]) < 1e-6 * G * case.h0 / case.a


def test_thacker_is_periodic_and_conserves_mass():
    case = analytic.ThackerRadial()
    x = (np.arange(800) + 0.5) * case.length / 800
    X, Y = np.meshgrid(x, x)
    volumes = [case.depth(X, Y, t).sum() for t in np.linspace(0, case.period, 9)]
    np.testing.assert_allclose(volumes, volumes[0], rtol=1e-5)  # midpoint rule at the kink
    # Exact volume of the initial lens: π h0 a r0 ... integrated analytically over the disc.
    r_wet = math.sqrt(case.a * case.r0)
    exact = math.pi * case.h0 * (case.a / case.r0 * r_wet**2 - r_wet**4 / (2 * case.r0**2))
    assert volumes[0] * (case.length / 800) ** 2 == pytest.approx(exact, rel=1e-5)
    np.testing.assert_allclose(case.depth(X, Y, case.period), case.depth(X, Y, 0.0), atol=1e-14)


# ------------------------------------------------------------------------------------- seiche
def test_seiche_solves_the_linear_equations_with_walls():
    case = analytic.Seiche()
    x = np.linspace(0.0, case.length, 101)
    d = 1e-3
    for t in np.linspace(0.0, case.period, 5):
        deta_dt = (case.surface(x, t + d) - case.surface(x, t - d)) / (2 * d)
        du_dx = (case.velocity(x + d, t) - case.velocity(x - d, t)) / (2 * d)
        assert np.max(np.abs(deta_dt + case.depth * du_dx)) < 1e-8 * case.amplitude
        du_dt = (case.velocity(x, t + d) - case.velocity(x, t - d)) / (2 * d)
        deta_dx = (case.surface(x + d, t) - case.surface(x - d, t)) / (2 * d)
        assert np.max(np.abs(du_dt + G * deta_dx)) < 1e-8 * G * case.amplitude / case.length
        assert case.velocity(np.array([0.0, case.length]), t) == pytest.approx(0.0, abs=1e-15)
    assert case.period == pytest.approx(2 * case.length / math.sqrt(G * case.depth))


def test_seiche_cell_average():
    case = analytic.Seiche()
    dx = 25.0
    x = np.arange(0.5, 40) * dx
    fine = np.linspace(-0.5, 0.5, 2001)[None, :] * dx + x[:, None]
    brute = integrate.trapezoid(case.surface(fine, 30.0), fine, axis=1) / dx
    np.testing.assert_allclose(case.cell_average_surface(x, dx, 30.0), brute, atol=1e-12)


@pytest.mark.parametrize("kind", ["subcritical", "transcritical", "shock"])
def test_bump_flows_conserve_the_energy_head_and_jump_by_rankine_hugoniot(kind):
    """SWASHES §3.1.3–3.1.5: Bernoulli's head is constant along each smooth branch; the
    transcritical and shocked flows are critical at the top of the bump; the jump conserves
    q²/h + g h²/2 and sits where SWASHES puts it (11.6655 m)."""
    x = np.linspace(0.0, 25.0, 2001)
    h, x_shock = analytic.bump_flow(x, kind)
    q = analytic.BUMP_FLOWS[kind]["q"]
    g = analytic.G
    head = q * q / (2 * g * h * h) + h + analytic.bump_bed(x)
    before = x < (x_shock if kind == "shock" else 30.0)
    np.testing.assert_allclose(head[before], head[0], rtol=1e-10)
    if kind != "subcritical":
        top = float(analytic.bump_flow(np.array([10.0]), kind)[0][0])
        assert top == pytest.approx((q * q / g) ** (1 / 3), rel=1e-9)
    if kind == "shock":
        assert x_shock == pytest.approx(11.6655, abs=2e-4)
        np.testing.assert_allclose(head[~before], 0.33 + q * q / (2 * g * 0.33**2), rtol=1e-10)
        h1 = analytic.bump_flow(np.array([x_shock - 1e-9]), kind)[0][0]
        h2 = analytic.bump_flow(np.array([x_shock + 1e-9]), kind)[0][0]
        momentum = lambda d: q * q / d + 0.5 * g * d * d  # noqa: E731
        assert momentum(h1) == pytest.approx(momentum(h2), rel=1e-8)
        assert h1 < (q * q / g) ** (1 / 3) < h2


@pytest.mark.parametrize("f", [0.0, 0.7])
def test_thacker_planar_solves_the_shallow_water_equations(f):
    """Continuity and both momentum equations (with the Coriolis term when f ≠ 0) by centred
    differences, where wet; the shoreline is a circle of radius a whose centre turns at radius
    η0 about the bowl's centre."""
    case = analytic.ThackerPlanar(f=f)
    xs = np.linspace(0.6, 3.4, 29)
    X, Y = np.meshgrid(xs, xs)
    for t in np.linspace(0.05, 1.9, 7) * case.period:
        continuity, momentum, wet = _residuals(case, X, Y, t)
        u, v = case.velocity(X, Y, t)
        speed = case.eta0 * case.omega  # uniform where wet, turning at ω
        np.testing.assert_allclose(np.hypot(u, v)[wet], speed, rtol=1e-12)
        assert np.max(np.abs(continuity)[wet]) < 1e-6 * case.h0 * case.omega
        for residual in momentum:  # uniform velocity: the surface slope (and f) drive it
            assert np.max(np.abs(residual)[wet]) < 1e-6 * G * case.h0 / case.a
        centre = np.array([case.eta0 * np.cos(case.omega * t), case.eta0 * np.sin(case.omega * t)])
        r = np.hypot(X - 2.0 - centre[0], Y - 2.0 - centre[1])
        # h = h0 (1 − |p − c|²/a²) with c = η0 (cos ωt, sin ωt): wet inside that circle
        assert np.all(wet[r < case.a - 0.05]) and not np.any(wet[r > case.a + 0.05])


# ------------------------------------------------------------------------------------ Sampson
def test_sampson_solves_the_shallow_water_equations_with_linear_friction():
    """Continuity and momentum (u_t + u u_x + g η_x = −τ u) by centred differences where wet;
    the velocity decays as e^(−τt/2); the shorelines are where the plane meets the bed."""
    case = analytic.Sampson()
    x = np.linspace(3200.0, 6800.0, 37)  # wet at every time (the shorelines stay outside)
    d = 1e-2
    for t in np.linspace(0.1, 4.0, 9) * case.period:
        h = lambda xx, tt: case.depth(xx, tt)  # noqa: E731
        u = lambda xx, tt: case.velocity(xx, tt)  # noqa: E731
        dh_dt = (h(x, t + d) - h(x, t - d)) / (2 * d)
        dhu_dx = (h(x + d, t) * u(x + d, t) - h(x - d, t) * u(x - d, t)) / (2 * d)
        assert np.max(np.abs(dh_dt + dhu_dx)) < 1e-8 * case.h0 * case.omega
        du_dt = (u(x, t + d) - u(x, t - d)) / (2 * d)
        du_dx = (u(x + d, t) - u(x - d, t)) / (2 * d)
        deta_dx = (case.surface(x + d, t) - case.surface(x - d, t)) / (2 * d)
        momentum = du_dt + u(x, t) * du_dx + G * deta_dx + case.tau * u(x, t)
        assert np.max(np.abs(momentum)) < 1e-8 * case.B * case.omega
        for shore in case.shorelines(t):
            assert case.surface(shore, t) == pytest.approx(case.bed(shore), abs=1e-9)
            assert 0.0 < shore < case.length
    peaks = [k * case.period + case.period / 4 for k in range(4)]
    speeds = [float(case.velocity(5000.0, t)) for t in peaks]
    ratios = [b / a for a, b in itertools.pairwise(speeds)]
    assert ratios == pytest.approx([math.exp(-case.tau * case.period / 2)] * 3, rel=1e-12)
