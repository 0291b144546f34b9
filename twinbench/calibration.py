"""Calibration by gradients: bottom friction (by zone), channel deepening (by zone) and the
open-boundary tide fitted to observed harmonic constants with ``jax.grad`` and optax.

The fit runs the scenario's domain under its M2 tide alone (the usual first step of an estuary
calibration): after a spin-up, one M2 period sampled uniformly gives, by discrete Fourier
projection, the modelled M2 and its overtide M4 at every gauge — exactly, since the forced
response is periodic. The loss compares them with the observed constants (TICON-4):

    L = Σ_s |Z_M2,s − Z_obs,s|² / |Z_obs,s|²  +  w₄ Σ_s (|Z_M4,s| − A₄,s)² / A₄,s²

with Z = f A e^{−i(G − V₀ − u)} the complex amplitude at the run's start. The gradient flows
through the engine's hand-written adjoint (:func:`twinbench.core.run`); the spin-up is
warm-started from the previous iteration's periodic state and not differentiated
(truncated back-propagation over the recorded period).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from twinbench import core, tides
from twinbench.domains.stations import LAGOON_TICON4_FILES, TICON4_FILES
from twinbench.io.inputs import InputError
from twinbench.scenarios import Scenario, load, model_for
from twinbench.scenarios.runner import _stations

M2_PERIOD = 1.0 / tides.CONSTITUENTS["M2"].frequency * 3600.0  # s
GROUPS = ("log_manning", "deepening", "amplitude", "phase")  # the fields of Parameters


@dataclasses.dataclass(frozen=True)
class Problem:
    """Everything the loss needs, built once per scenario."""

    model: Any
    zones: np.ndarray  # (ny, nx) zone index, −1 on land
    zone_names: tuple[str, ...]
    stations: tuple[str, ...]
    j: np.ndarray
    i: np.ndarray
    dt: float
    steps_per_sample: int
    samples: int
    observed_m2: np.ndarray  # complex, at the start (f A e^{-i(G - V0 - u)})
    observed_m4: np.ndarray  # amplitudes (m)
    m2_argument: float  # V0 + u of M2 at the start (rad)
    m2_factor: float  # f of M2
    scenario_manning: np.ndarray | None = None  # the scenario's Manning n by zone, if given so
    scenario_deepening: np.ndarray | None = None  # the scenario's deepening (m) by zone
    m4_mask: np.ndarray | None = None  # 1 where a station's M4 enters the loss (None: all)


class Parameters(eqx.Module):
    """What the fit moves: log Manning n by zone, deepening by zone (m), boundary M2."""

    log_manning: jax.Array
    deepening: jax.Array
    amplitude: jax.Array
    phase: jax.Array  # Greenwich lag (degrees) of the boundary's external M2


def problem(
    scenario: Scenario | str,
    stations: Sequence[str] = ("Port-Bloc", "Royan", "Pauillac", "Bordeaux"),
    samples: int = 24,
    cfl_margin: float = 0.8,
    m4_stations: Sequence[str] | None = None,
) -> Problem:
    """The M2 calibration problem of a scenario (its domain, rivers, physics and M2 tide).

    ``m4_stations`` limits the M4 misfit to those of ``stations`` (default: all of them), e.g.
    to leave out gauges whose M4 a coarse grid cannot represent (a harbour at the mouth).
    """
    if m4_stations is not None:
        unknown = sorted(set(m4_stations) - set(stations))
        if unknown:
            raise InputError(f"m4_stations {unknown} are not among the stations {list(stations)}")
    scenario = load(scenario) if not isinstance(scenario, Scenario) else scenario
    if scenario.tide is None or "M2" not in (scenario.tide.get("constituents") or {}):
        raise InputError("calibration needs a scenario whose tide has an M2 constituent")
    m2_only = dict(scenario.tide, constituents={"M2": scenario.tide["constituents"]["M2"]})
    # The fit owns the deepening: the domain is built without the scenario's own.
    undeepened = {k: v for k, v in scenario.domain.items() if k != "deepen"}
    scenario_deepen = scenario.domain.get("deepen")
    scenario = scenario.replace(tide=m2_only, stations=tuple(stations), domain=undeepened)
    model, domain = model_for(scenario)
    if "friction_zone" not in domain:
        raise InputError("calibration needs a domain with friction zones")
    zone_names = tuple(domain.friction_zone.attrs["flag_meanings"].split())
    friction = (scenario.physics.get("friction") or {}).get("coefficient")
    by_zone = lambda v: (  # noqa: E731
        np.array([float(v.get(z, 0.0)) for z in zone_names]) if isinstance(v, dict) else None
    )
    gauges = _stations(scenario, domain, None)
    start = np.datetime64(scenario.start)
    observed_m2, observed_m4 = [], []
    fu = tides.nodal_corrections(["M2", "M4"], start)
    v0 = tides.astronomical_arguments(["M2", "M4"], start).values[0]
    f, u = fu["f"].values[0], fu["u"].values[0]
    for name in stations:
        files = {**TICON4_FILES, **LAGOON_TICON4_FILES}
        if name not in files:
            raise InputError(f"station {name!r} has no observed constants (TICON-4)")
        obs = tides.ticon(files[name])
        a, g = (float(obs[k].sel(constituent="M2")) for k in ("amplitude", "phase"))
        observed_m2.append(f[0] * a * np.exp(-1j * np.deg2rad(g - v0[0] - u[0])))
        observed_m4.append(float(obs.amplitude.sel(constituent="M4")))
    with model.precision():
        stable = float(model.stable_dt())
    per_sample = M2_PERIOD / samples
    steps = math.ceil(per_sample / (cfl_margin * stable))
    return Problem(
        model=model,
        zones=np.asarray(domain.friction_zone.values, int),
        zone_names=zone_names,
        stations=tuple(stations),
        j=gauges["j"].to_numpy(int),
        i=gauges["i"].to_numpy(int),
        dt=per_sample / steps,
        steps_per_sample=steps,
        samples=samples,
        observed_m2=np.asarray(observed_m2),
        observed_m4=np.asarray(observed_m4),
        m2_argument=float(np.deg2rad(v0[0] + u[0])),
        m2_factor=float(f[0]),
        scenario_manning=by_zone(friction),
        scenario_deepening=by_zone(scenario_deepen),
        m4_mask=None
        if m4_stations is None
        else np.array([float(s in m4_stations) for s in stations]),
    )


def initial_parameters(
    p: Problem, manning: float = 0.02, from_scenario: bool = False
) -> Parameters:
    """The scenario's boundary M2 with uniform Manning n and no deepening, or (``from_scenario``)
    the scenario's own Manning n and deepening by zone where it gives them (a warm start)."""
    west = p.model.params.boundaries.west
    amplitude = float(np.asarray(west.amplitude)[0].mean()) / p.m2_factor
    phase = np.rad2deg(float(np.asarray(west.phase)[0].mean()) + p.m2_argument)
    n = len(p.zone_names)
    log_n, deepening = np.full(n, math.log(manning)), np.zeros(n)
    if from_scenario and p.scenario_manning is not None:
        log_n = np.log(np.where(p.scenario_manning > 0, p.scenario_manning, manning))
    if from_scenario and p.scenario_deepening is not None:
        deepening = p.scenario_deepening
    return Parameters(
        jnp.asarray(log_n),
        jnp.asarray(deepening),
        jnp.asarray(amplitude),
        jnp.asarray(phase % 360.0),
    )


def engine_params(p: Problem, theta: Parameters) -> core.Params:
    """The engine's Params for a parameter set (friction field, bed, boundary M2)."""
    params = p.model.params
    zones = jnp.asarray(p.zones)
    on_water = zones >= 0
    safe = jnp.where(on_water, zones, 0)
    n_field = jnp.where(on_water, jnp.exp(theta.log_manning)[safe], jnp.exp(theta.log_manning[0]))
    bed = params.bed - jnp.where(on_water, theta.deepening[safe], 0.0)
    west = params.boundaries.west
    phase = jnp.deg2rad(theta.phase) - p.m2_argument
    west = eqx.tree_at(
        lambda b: (b.amplitude, b.phase),
        west,
        (
            jnp.full_like(west.amplitude, p.m2_factor * theta.amplitude),
            jnp.full_like(west.phase, phase),
        ),
    )
    params = eqx.tree_at(lambda q: q.friction.coefficient, params, n_field.astype(params.bed.dtype))
    params = eqx.tree_at(lambda q: q.bed, params, bed.astype(params.bed.dtype))
    return eqx.tree_at(lambda q: q.boundaries.west, params, west)


def harmonics(p: Problem, theta: Parameters, state: core.State):
    """Modelled complex M2 and M4 at the stations over one period from ``state``, and the
    state one period later."""
    params = engine_params(p, theta)
    grid = p.model.grid
    j, i = jnp.asarray(p.j), jnp.asarray(p.i)

    # Checkpointed: the scan keeps each sample's starting state and its backward pass reruns
    # that sample's steps, so one sample's states are held at a time (without it, all of them:
    # ≈ 13 GB resident at 500 m). Not a smaller core.run memory budget instead: its recomputed
    # segments inside a scan kept more memory, not less (docs/performance.md).
    @jax.checkpoint
    def sample(s, _):
        s = core.run(s, params, grid, p.dt, p.steps_per_sample)
        return s, (s.h + params.bed)[j, i]

    final, eta = jax.lax.scan(sample, state, None, length=p.samples)
    t = (jnp.arange(1, p.samples + 1) * p.steps_per_sample * p.dt).astype(eta.dtype)
    omega = 2 * jnp.pi / M2_PERIOD
    m2 = 2.0 / p.samples * jnp.sum(eta * jnp.exp(-1j * omega * t)[:, None], axis=0)
    m4 = 2.0 / p.samples * jnp.sum(eta * jnp.exp(-2j * omega * t)[:, None], axis=0)
    return m2, m4, final


def loss(p: Problem, theta: Parameters, state: core.State, m4_weight: float = 0.5):
    """The misfit of the module docstring: the sum of the squared :func:`residuals`."""
    r, aux = residuals(p, theta, state, m4_weight)
    return jnp.sum(r**2), aux


def spin_up(p: Problem, theta: Parameters, state: core.State, periods: float) -> core.State:
    """Advance ``state`` by whole sampling intervals (not differentiated)."""
    n = round(periods * p.samples) * p.steps_per_sample
    return core.run(state, engine_params(p, theta), p.model.grid, p.dt, n)


def full_run_targets(
    p: Problem, theta: Parameters, skill, spin_periods: float = 2.0
) -> tuple[Problem, dict]:
    """The M2-only period's targets that make the *full* run match the gauges (output space
    mapping; Bandler et al. 2004, IEEE Trans. Microwave Theory Tech. 52:337).

    The fit's cheap model, one M2 period under the M2 tide alone, is not the run that is judged:
    the scenario's 15-day record adds S2, N2, the spring–neap cycle and the friction they bring
    (at Pauillac it raises the M4 by a third). ``skill`` is the full run's
    :func:`twinbench.analysis.tidal_skill` at ``theta``; with Z the M2-only period's complex
    M2 and A₄ its M4 amplitude at ``theta``, the targets become ``Z / r₂`` and ``A₄ / r₄``, where
    r₂ = (model / observed amplitude) e^{−i (model − observed phase)} and r₄ the M4 amplitude
    ratio of the full run. At ``theta`` the misfit is then the full run's; moving θ, it
    assumes that the full run keeps its ratio to the M2-only period (check by a new full run,
    and map again). Returns the new problem and, per station, r₂ and r₄.
    """
    with p.model.precision():
        state = spin_up(p, theta, p.model.state, spin_periods)
        m2, m4, _ = jax.jit(lambda th, s: harmonics(p, th, s))(theta, state)
    m2, m4 = np.asarray(m2), np.asarray(m4)
    observed_m2 = np.array(p.observed_m2)
    observed_m4 = np.array(p.observed_m4)
    ratios = {}
    for k, name in enumerate(p.stations):
        row = skill.sel(station=name)
        r2 = float(row["amplitude_ratio"].sel(constituent="M2"))
        lag = float(row["phase_error"].sel(constituent="M2"))
        r4 = float(row["amplitude_ratio"].sel(constituent="M4"))
        if not (np.isfinite([r2, lag, r4]).all() and r2 > 0 and r4 > 0):
            raise InputError(f"the full run has no M2 and M4 skill at {name!r}")
        observed_m2[k] = m2[k] / (r2 * np.exp(-1j * np.deg2rad(lag)))
        observed_m4[k] = abs(m4[k]) / r4 / p.m2_factor**2
        ratios[name] = {"M2_ratio": r2, "M2_phase_error": lag, "M4_ratio": r4}
    return dataclasses.replace(p, observed_m2=observed_m2, observed_m4=observed_m4), ratios


def report(p: Problem, m2, m4) -> list[dict]:
    """Per station: modelled and observed M2 amplitude (m), phase (°), M4 amplitude (m)."""
    rows = []
    for k, name in enumerate(p.stations):
        z, obs = complex(m2[k]), complex(p.observed_m2[k])
        lag = lambda c: float(np.rad2deg(-np.angle(c) + p.m2_argument) % 360.0)  # noqa: E731
        rows.append(
            {
                "station": name,
                "M2_amplitude": abs(z) / p.m2_factor,
                "M2_amplitude_observed": abs(obs) / p.m2_factor,
                "M2_phase": lag(z),
                "M2_phase_observed": lag(obs),
                "M4_amplitude": float(abs(m4[k])) / p.m2_factor**2,
                "M4_amplitude_observed": float(p.observed_m4[k]),
            }
        )
    return rows


def calibrate(
    p: Problem,
    iterations: int = 20,
    learning_rate: float = 0.05,
    theta: Parameters | None = None,
    fit: Sequence[str] = GROUPS,
    spin_periods: float = 2.0,
    callback: Callable[[int, float, Parameters, list[dict]], None] | None = None,
    m4_weight: float = 0.5,
    zones: Sequence[str] | None = None,
) -> tuple[Parameters, list[dict]]:
    """Adam on the loss; returns the best parameters and the history (loss, seconds, and the
    stations' modelled and observed M2 and M4).

    ``fit`` names the parameter groups that move; the others keep their initial values.
    ``zones`` limits the friction and deepening that move to those zones (default: all), e.g.
    to refit the rivers on a finer grid while the estuary keeps its values.
    Learning rates are per group: ``learning_rate`` on log n, × 10 m on deepening, × 0.5 m on
    the amplitude and × 20° on the phase.
    """
    import optax

    theta = initial_parameters(p) if theta is None else theta
    scales = {"log_manning": 1.0, "deepening": 10.0, "amplitude": 0.5, "phase": 20.0}
    moving = _moving(p, theta, fit, zones)
    mask = Parameters(*(getattr(moving, k) * scales[k] for k in GROUPS))
    optimiser = optax.adam(learning_rate)
    opt_state = optimiser.init(theta)
    with p.model.precision():
        state = spin_up(p, theta, p.model.state, spin_periods)
        value_and_grad = jax.jit(
            jax.value_and_grad(lambda th, s: loss(p, th, s, m4_weight), has_aux=True)
        )
        spin = jax.jit(lambda th, s: spin_up(p, th, s, 1.0))
        history, best = [], (math.inf, theta)
        for k in range(iterations):
            clock = time.perf_counter()
            (value, (m2, m4, _)), grad = value_and_grad(theta, state)
            value = float(value)
            if value < best[0]:
                best = (value, theta)
            history.append({"iteration": k, "loss": value, "seconds": time.perf_counter() - clock,
                            "stations": report(p, m2, m4)})  # fmt: skip
            if callback:
                callback(k, value, theta, history[-1]["stations"])
            if k + 1 == iterations:
                break  # the next parameters would be neither evaluated nor returned
            grad = jax.tree.map(lambda g, m: g * m, grad, mask)
            updates, opt_state = optimiser.update(grad, opt_state)
            theta = optax.apply_updates(theta, jax.tree.map(lambda u, m: u * m, updates, mask))
            theta = eqx.tree_at(lambda t: t.deepening, theta, jnp.clip(theta.deepening, -2.0, 8.0))
            state = spin(theta, state)  # one period on the new parameters: warm start
    return best[1], history


def _moving(p: Problem, theta: Parameters, fit: Sequence[str], zones: Sequence[str] | None):
    """1 where a parameter moves (its group in ``fit``, its zone in ``zones``), else 0."""
    unknown = sorted(set(fit) - set(GROUPS))
    if unknown:
        raise InputError(f"unknown parameter group(s) {unknown} in fit")
    moving = np.ones(len(p.zone_names))
    if zones is not None:
        unknown = sorted(set(zones) - set(p.zone_names))
        if unknown or not zones:
            raise InputError(f"zones must be among {list(p.zone_names)}, got {list(zones)}")
        moving = np.array([float(z in zones) for z in p.zone_names])
    by_zone = {"log_manning": moving, "deepening": moving, "amplitude": 1.0, "phase": 1.0}
    return Parameters(*(jnp.asarray(float(k in fit) * by_zone[k], theta.deepening.dtype)
                        * jnp.ones_like(getattr(theta, k))
                        for k in GROUPS))  # fmt: skip


def residuals(p: Problem, theta: Parameters, state: core.State, m4_weight: float = 0.5):
    """The misfits whose sum of squares is :func:`loss`: per station the real and imaginary
    parts of (Z − Z_obs) / |Z_obs|, then √w₄ (|Z₄| − A₄) / A₄ (zero where M4 is left out)."""
    m2, m4, final = harmonics(p, theta, state)
    obs2 = jnp.asarray(p.observed_m2)
    obs4 = jnp.asarray(p.observed_m4) * p.m2_factor**2  # M4's nodal factor is f(M2)², as |m4|'s
    mask = 1.0 if p.m4_mask is None else jnp.asarray(p.m4_mask)
    scaled = (m2 - obs2) / jnp.abs(obs2)
    r4 = math.sqrt(m4_weight) * mask * (jnp.abs(m4) - obs4) / obs4
    return jnp.concatenate([jnp.real(scaled), jnp.imag(scaled), r4]), (m2, m4, final)


# Finite-difference steps of the Gauss–Newton Jacobian, at the scale the fit moves: a smaller
# step measures the van Leer limiter's roughness instead of the trend (docs/gironde.md).
SECANT_STEPS = {"log_manning": 0.03, "deepening": 0.5, "amplitude": 0.01, "phase": 1.0}
# Bounds the fit keeps to: Manning n 0.005–0.1 s m^-1/3, deepening −2 … 8 m.
_BOUNDS = {"log_manning": (math.log(0.005), math.log(0.1)), "deepening": (-2.0, 8.0),
           "amplitude": (0.0, math.inf), "phase": (-math.inf, math.inf)}  # fmt: skip


def gauss_newton(
    p: Problem,
    iterations: int = 4,
    theta: Parameters | None = None,
    fit: Sequence[str] = ("log_manning", "deepening"),
    spin_periods: float = 2.0,
    callback: Callable[[int, float, Parameters, list[dict]], None] | None = None,
    m4_weight: float = 0.5,
    zones: Sequence[str] | None = None,
    damping: float = 0.01,
    prior: dict[str, float] | None = None,
    misfit_error: float = 0.01,
) -> tuple[Parameters, list[dict]]:
    """Levenberg–Marquardt on :func:`residuals`, the Jacobian by forward differences at the
    scale of the steps (:data:`SECANT_STEPS`): the fit for a few parameters (the river zones'
    friction and deepening) where the loss is rough on small scales and its exact gradient
    points along the roughness, not the trend (docs/gironde.md, "why the fits drift").

    Every evaluation starts from one state (the starting parameters' state after
    ``spin_periods`` M2 periods from the scenario's initial state), runs ``spin_periods``
    periods at the trial parameters, then the period that is measured: the misfit is then a
    function of the parameters alone, and an accepted trial's misfit is the next iteration's.
    (Warm-starting from the last accepted state, as :func:`calibrate` does, moved the misfit
    at fixed parameters by as much as a step lowered it.) An iteration costs 1 + (number of
    moving parameters) evaluations and one per trial step (a rejected trial grows the damping
    λ ×4; an accepted one shrinks it ÷3). Returns the best parameters and the history, as
    :func:`calibrate`.

    ``prior`` (group → σ, e.g. ``{"log_manning": 0.3, "deepening": 2.0}``) adds Tikhonov terms
    for the moving parameters of those groups, weighed against the misfits' own error
    ``misfit_error`` (relative: 0.01 is 1 % of the M2 amplitude, ≈ 2 cm or 1.2 min at
    Bordeaux): e (x − x₀)/σ, x₀ the starting values, so that a parameter σ away from its start
    costs as much as one misfit of size e. Parameters the gauges barely see (a river without a
    gauge of its own) then stay near their start instead of wandering along the misfit's
    valleys. The history's ``loss`` includes these terms.
    """
    theta = initial_parameters(p) if theta is None else theta
    moving = _moving(p, theta, fit, zones)
    leaves = [(k, j) for k in GROUPS for j in np.flatnonzero(np.atleast_1d(getattr(moving, k)))]
    if not leaves:
        raise InputError("nothing to fit: no parameter group and zone moves")
    prior = dict(prior or {})
    unknown = sorted(set(prior) - set(GROUPS))
    if unknown or not all(math.isfinite(v) and v > 0 for v in prior.values()):
        raise InputError(f"prior must map groups among {list(GROUPS)} to σ > 0, got {prior}")
    if not (math.isfinite(misfit_error) and misfit_error > 0):
        raise InputError(f"misfit_error must be > 0, got {misfit_error}")
    inverse_sigma = np.array([misfit_error / prior[k] if k in prior else 0.0 for k, _ in leaves])

    def coordinates(th: Parameters) -> np.ndarray:
        return np.array([np.asarray(getattr(th, k), float).reshape(-1)[j] for k, j in leaves])

    origin = coordinates(theta)

    def shifted(th: Parameters, deltas) -> Parameters:
        values = {k: np.array(getattr(th, k), float) for k in GROUPS}
        for (k, j), d in zip(leaves, deltas, strict=True):
            low, high = _BOUNDS[k]
            flat = values[k].reshape(-1)
            flat[j] = min(max(flat[j] + d, low), high)
        return Parameters(*(jnp.asarray(values[k], th.deepening.dtype) for k in GROUPS))

    with p.model.precision():
        periods = round(spin_periods * p.samples) * p.steps_per_sample

        @jax.jit
        def evaluate(th, start):
            s = core.run(start, engine_params(p, th), p.model.grid, p.dt, periods)
            r, (m2, m4, _) = residuals(p, th, s, m4_weight)
            return r, m2, m4

        def value(th, start):
            r, m2, m4 = evaluate(th, start)
            r = np.asarray(r, float)
            if not np.isfinite(r).all():
                raise FloatingPointError(f"the run at {scenario_values(p, th)} is not finite")
            penalty = (coordinates(th) - origin) * inverse_sigma
            return np.concatenate([r, penalty]), (m2, m4)

        state = spin_up(p, theta, p.model.state, spin_periods)
        history, best = [], (math.inf, theta)
        lam = damping
        r0, (m2, m4) = value(theta, state)
        steps = [SECANT_STEPS[name] for name, _ in leaves]
        for k in range(iterations):
            clock = time.perf_counter()
            loss0 = float(r0 @ r0)
            if loss0 < best[0]:
                best = (loss0, theta)
            jacobian = np.stack([(value(shifted(theta, np.eye(len(leaves))[m] * h), state)[0] - r0)
                                 / h for m, h in enumerate(steps)], axis=1)  # fmt: skip
            normal, gradient = jacobian.T @ jacobian, jacobian.T @ r0
            trials = []
            for _ in range(4):
                step = np.linalg.solve(normal + lam * np.diag(np.diag(normal)), -gradient)
                trial = shifted(theta, step)
                r1, (m2_1, m4_1) = value(trial, state)
                trials.append({"damping": lam, "loss": float(r1 @ r1),
                               "step": [float(x) for x in step],
                               "stations": report(p, m2_1, m4_1)})  # fmt: skip
                if r1 @ r1 < loss0:
                    lam = max(lam / 3.0, 1e-6)
                    break
                lam *= 4.0
            history.append({"iteration": k, "loss": loss0, "seconds": time.perf_counter() - clock,
                            "stations": report(p, m2, m4), "trials": trials,
                            "jacobian": jacobian.tolist()})  # fmt: skip
            if callback:
                callback(k, loss0, theta, history[-1]["stations"])
            if trials[-1]["loss"] >= loss0:
                break  # no step of four dampings lowers the loss: at the trend's minimum
            theta, r0, (m2, m4) = trial, r1, (m2_1, m4_1)
            if trials[-1]["loss"] < best[0]:
                best = (trials[-1]["loss"], theta)
    return best[1], history


# A line the record cannot separate takes the correction of the one it leaks into (followed
# until a resolved one: in 15 days K2 → S2, in 2 days K2 → S2 → M2).
_INFERRED_FROM = {"N2": "M2", "2N2": "M2", "MU2": "M2", "NU2": "M2", "L2": "M2", "S2": "M2",
                  "K2": "S2", "T2": "S2", "O1": "K1", "P1": "K1", "J1": "K1", "Q1": "O1",
                  "OO1": "K1"}  # fmt: skip


def boundary_correction(scenario: Scenario | str, station: str = "Port-Bloc") -> tuple[dict, Any]:
    """The open boundary's tide corrected so that ``station`` (a gauge at the mouth) gets the
    observed amplitudes and phases over the scenario's whole run.

    One run of the scenario (the 15-day record of the baseline, with every constituent and the
    rivers, so the friction that the gradient fit's M2-only run leaves out is in): each
    constituent the record resolves at the station has its boundary amplitude multiplied by
    observed / modelled and its phase lag reduced by the modelled − observed phase (both
    analysed the same way, :func:`twinbench.analysis.tidal_skill`); one it cannot resolve
    takes the ratio and the time shift of the line it leaks into (N2 ← M2, K2 ← S2 ← M2, …). The
    response is not quite linear in the forcing (friction): apply it again until the errors
    are small. Overtides and compound tides (M4, MS4, …) keep their boundary values: at a mouth
    gauge they are mostly made on the spot (at Port-Bloc, the jet past the Pointe de Grave) and
    do not scale with their boundary value; fit them on the gauges up the estuary instead
    (docs/gironde.md). Returns the new ``tide`` dict and the skill table of the run.
    """
    from twinbench.analysis import tidal_skill
    from twinbench.scenarios import run

    scenario = load(scenario) if not isinstance(scenario, Scenario) else scenario
    if not scenario.tide or not scenario.tide.get("constituents"):
        raise InputError("boundary_correction needs a scenario with a tide")
    out = run(scenario.replace(stations=(station,), fields=False))
    skill = tidal_skill(out).sel(station=station)
    ratio = skill["amplitude_ratio"].to_series().dropna()
    lag = skill["phase_error"].to_series().dropna()  # degrees, model − observed
    constituents = {}
    for name, (amplitude, phase) in scenario.tide["constituents"].items():
        if tides.CONSTITUENTS[name].shallow:
            constituents[name] = [amplitude, phase]
            continue
        source = name
        while source not in ratio.index and source in _INFERRED_FROM:
            source = _INFERRED_FROM[source]
        if source not in ratio.index or ratio[source] <= 0 or source not in lag.index:
            constituents[name] = [amplitude, phase]
            continue
        speed = tides.CONSTITUENTS[name].frequency / tides.CONSTITUENTS[source].frequency
        scaled = np.round(np.asarray(amplitude, float) / ratio[source], 4).tolist()
        shifted = np.round((np.asarray(phase, float) - lag[source] * speed) % 360.0, 2).tolist()
        constituents[name] = [scaled, shifted]
    return {**scenario.tide, "constituents": constituents}, skill


def fit_overtide(
    scenario: Scenario | str,
    name: str = "M4",
    stations: Sequence[str] = ("Pauillac", "Bordeaux"),
    probe: float = 0.05,
) -> tuple[dict, dict]:
    """The open boundary's overtide (e.g. M4, uniform along the side) that brings its amplitude
    at ``stations`` closest to the observed: the largest relative amplitude error,
    max_s | |Z_s| / A_obs,s − 1 |, is minimised (the skill criterion of docs/gironde.md).

    The shelf's own overtide enters at the boundary (the model makes the rest inside), and what
    reaches a gauge from it is linear in the boundary value: two runs of the scenario, as it is
    and with ``probe`` metres added at phase 0, give the complex transfer T_s per gauge, and the
    modelled constant is Z_s(x) = Z_s(x₀) + T_s (x − x₀) for a boundary value x = A e^{−iG}
    (Greenwich lag G). The minimum is found on a 1 mm × 0.5° grid of A ≤ 0.5 m. The amplitude
    is what is fitted (the estuary gauges' overtide is mostly made inside, so a complex fit
    would trade amplitude for phase); the phases are reported. Returns the new ``tide`` dict
    and, per station, T and the observed, starting and predicted amplitude ratios and phase
    errors (check them with a run: :func:`twinbench.analysis.tidal_skill`).
    """
    from twinbench.analysis import tidal_skill
    from twinbench.scenarios import run

    scenario = load(scenario) if not isinstance(scenario, Scenario) else scenario
    if name not in tides.CONSTITUENTS or not tides.CONSTITUENTS[name].shallow:
        raise InputError(f"{name!r} is not an overtide or compound tide (M4, MS4, M6, …)")
    if not scenario.tide or not scenario.tide.get("constituents"):
        raise InputError("fit_overtide needs a scenario with a tide")
    if not stations:
        raise InputError("fit_overtide needs at least one station")
    amplitude, phase = scenario.tide["constituents"].get(name, [0.0, 0.0])
    if np.ndim(amplitude) or np.ndim(phase):
        raise InputError(f"fit_overtide fits a uniform {name}: give it one amplitude and phase")
    x0 = float(amplitude) * np.exp(-1j * np.deg2rad(float(phase)))

    def constants(value: complex) -> tuple[np.ndarray, np.ndarray]:
        a, g = abs(value), float(np.rad2deg(-np.angle(value)) % 360.0)
        tide = {**scenario.tide, "constituents": {**scenario.tide["constituents"], name: [a, g]}}
        out = run(scenario.replace(tide=tide, stations=tuple(stations), fields=False))
        skill = tidal_skill(out).sel(constituent=name)

        def z(kind: str) -> np.ndarray:  # complex A e^{−iG} at the stations
            amplitude, lag = skill[f"{kind}_amplitude"], skill[f"{kind}_phase"]
            return (amplitude * np.exp(-1j * np.deg2rad(lag))).sel(station=list(stations)).values

        model, observed = z("model"), z("observed")
        if not np.isfinite(model).all() or not np.isfinite(observed).all():
            raise InputError(f"the run does not resolve {name} at every one of {list(stations)}")
        return model, observed

    start, observed = constants(x0)
    transfer = (constants(x0 + probe)[0] - start) / probe
    amplitudes = np.arange(0.0, 0.5005, 0.001)[:, None, None]
    phases = np.deg2rad(np.arange(0.0, 360.0, 0.5))[None, :, None]
    trial = start + transfer * (amplitudes * np.exp(-1j * phases) - x0)
    cost = np.max(np.abs(np.abs(trial) / np.abs(observed) - 1.0), axis=-1)
    k, m = np.unravel_index(np.argmin(cost), cost.shape)
    best = float(amplitudes[k, 0, 0]) * np.exp(-1j * float(phases[0, m, 0]))
    predicted = start + transfer * (best - x0)
    fitted = [round(float(abs(best)), 4), round(float(np.rad2deg(-np.angle(best)) % 360.0), 1)]
    lag = lambda z: float((np.rad2deg(np.angle(observed[s] / z[s]))) % 360.0)  # noqa: E731
    report = {}
    for s, station in enumerate(stations):
        report[station] = {
            "transfer": abs(transfer[s]),
            "transfer_lag": float(np.rad2deg(-np.angle(transfer[s])) % 360.0),
            "observed": abs(observed[s]),
            "start_ratio": abs(start[s]) / abs(observed[s]),
            "start_phase_error": (lag(start) + 180.0) % 360.0 - 180.0,
            "predicted_ratio": abs(predicted[s]) / abs(observed[s]),
            "predicted_phase_error": (lag(predicted) + 180.0) % 360.0 - 180.0,
        }
    tide = {**scenario.tide, "constituents": {**scenario.tide["constituents"], name: fitted}}
    return tide, report


def scenario_values(p: Problem, theta: Parameters) -> dict:
    """The fitted values in scenario-file form (friction by zone, deepening by zone, M2)."""
    n = np.exp(np.asarray(theta.log_manning))
    return {
        "friction": {z: round(float(v), 5) for z, v in zip(p.zone_names, n, strict=True)},
        "deepen": {
            z: round(float(v), 3)
            for z, v in zip(p.zone_names, np.asarray(theta.deepening), strict=True)
        },
        "M2": [round(float(theta.amplitude), 4), round(float(theta.phase) % 360.0, 2)],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m twinbench.calibration [SCENARIO] --iterations N --out FIT.json``."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m twinbench.calibration", description=__doc__)
    parser.add_argument("scenario", nargs="?", default="gironde")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument(
        "--method", choices=("adam", "gauss-newton"), default="adam",
        help="adam: jax.grad + optax (default); gauss-newton: Levenberg-Marquardt with a "
             "Jacobian by differences at the steps' scale, for a few parameters (gauss_newton)",
    )  # fmt: skip
    parser.add_argument("--out", default="calibration.json")
    parser.add_argument(
        "--prior", nargs="+", metavar="GROUP=SIGMA", default=[],
        help="gauss-newton only: Tikhonov terms (x - x0)/SIGMA keeping GROUP's moving "
             "parameters near their start, e.g. log_manning=0.3 deepening=2",
    )  # fmt: skip
    parser.add_argument(
        "--misfit-error", type=float, default=0.01,
        help="gauss-newton with --prior: the misfits' relative error the prior is weighed "
             "against (default 0.01: 1 %% of the M2 amplitude)",
    )  # fmt: skip
    parser.add_argument(
        "--m4-weight", type=float, default=0.5,
        help="weight of the M4 amplitude misfit against the complex M2 one (default 0.5)",
    )  # fmt: skip
    parser.add_argument(
        "--m4-stations", nargs="+", metavar="STATION",
        help="compare M4 only at these gauges (default: all four)",
    )  # fmt: skip
    parser.add_argument(
        "--fit", nargs="+", metavar="GROUP",
        default=list(GROUPS),
        help="parameter groups that move: log_manning deepening amplitude phase (default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--zones", nargs="+", metavar="ZONE",
        help="move the friction and deepening of these zones only (default: all of them)",
    )  # fmt: skip
    parser.add_argument(
        "--warm", action="store_true",
        help="start from the scenario's friction and deepening by zone (default: n = 0.02, none)",
    )  # fmt: skip
    parser.add_argument(
        "--fit-overtide", metavar="NAME",
        help="instead of the gradient fit: the boundary's overtide NAME (e.g. M4) fitted, by "
             "two runs and its linear transfer, to the amplitudes at --overtide-stations",
    )  # fmt: skip
    parser.add_argument(
        "--overtide-stations", nargs="+", metavar="STATION", default=["Pauillac", "Bordeaux"],
        help="gauges for --fit-overtide (default: Pauillac Bordeaux)",
    )  # fmt: skip
    parser.add_argument(
        "--full-run-targets", action="store_true",
        help="run the scenario once at the starting values and fit the M2-only period to the "
             "targets that make that full run match the gauges (see full_run_targets)",
    )  # fmt: skip
    parser.add_argument(
        "--correct-boundary", metavar="STATION",
        help="instead of the gradient fit: one run of the scenario, then the boundary tide's "
             "amplitudes and phases corrected so that STATION (a mouth gauge) gets the observed",
    )  # fmt: skip
    args = parser.parse_args(argv)
    prior = {}
    for item in args.prior:
        group, _, sigma = item.partition("=")
        try:
            prior[group] = float(sigma)
        except ValueError:
            parser.error(f"--prior takes GROUP=SIGMA (e.g. log_manning=0.3), got {item!r}")
    if prior and args.method != "gauss-newton":
        parser.error("--prior needs --method gauss-newton")
    if args.full_run_targets and not args.warm:
        parser.error("--full-run-targets needs --warm (the full run is the scenario's own values)")
    if args.fit_overtide:
        tide, rows = fit_overtide(args.scenario, args.fit_overtide, args.overtide_stations)
        print(f"boundary {args.fit_overtide} (amplitude m, Greenwich phase lag °): "
              f"{tide['constituents'][args.fit_overtide]}")  # fmt: skip
        for station, r in rows.items():
            print(f"    {station:<10} transfer {r['transfer']:.3f} lag {r['transfer_lag']:5.1f}°  "
                  f"model / observed {r['start_ratio']:.2f} → {r['predicted_ratio']:.2f} "
                  f"(phase error {r['start_phase_error']:+.0f}° → "
                  f"{r['predicted_phase_error']:+.0f}°)")  # fmt: skip
        Path(args.out).write_text(json.dumps({"tide": tide, "stations": rows}, indent=1))
        print(f"wrote {args.out}")
        return 0
    if args.correct_boundary:
        tide, skill = boundary_correction(args.scenario, args.correct_boundary)
        errors = skill[["amplitude_ratio", "phase_error"]].to_dataframe().dropna()
        print(f"at {args.correct_boundary}, model / observed amplitude and phase error (°):")
        for name, row in errors.iterrows():
            print(f"    {name}: {row['amplitude_ratio']:.3f}  {row['phase_error']:+.1f}")
        print("corrected boundary constituents (amplitude m, Greenwich phase lag °):")
        for name, (amplitude, phase) in tide["constituents"].items():
            print(f"    {name}: [{amplitude}, {phase}]")
        Path(args.out).write_text(json.dumps({"tide": tide}, indent=1))
        print(f"wrote {args.out}")
        return 0
    p = problem(args.scenario, m4_stations=args.m4_stations)
    print(f"M2 calibration: dt {p.dt:.2f} s, {p.steps_per_sample * p.samples} steps a period")

    def show(k: int, value: float, theta: Parameters, stations: list[dict]) -> None:
        print(f"iteration {k:3d}  loss {value:.4f}  {json.dumps(scenario_values(p, theta))}")
        for s in stations:  # modelled / observed
            print(f"    {s['station']:<10} M2 {s['M2_amplitude']:.3f} / "
                  f"{s['M2_amplitude_observed']:.3f} m {s['M2_phase']:6.1f} / "
                  f"{s['M2_phase_observed']:6.1f}°  M4 {s['M4_amplitude']:.3f} / "
                  f"{s['M4_amplitude_observed']:.3f} m", flush=True)  # fmt: skip

    theta = initial_parameters(p, from_scenario=args.warm)
    mapping = None
    if args.full_run_targets:
        from twinbench.analysis import tidal_skill
        from twinbench.scenarios import run

        scenario = load(args.scenario)
        print(f"full run of {scenario.name} ({scenario.duration}) at the starting values…")
        full = run(scenario.replace(stations=p.stations, fields=False))
        p, mapping = full_run_targets(p, theta, tidal_skill(full))
        for name, r in mapping.items():
            print(f"    {name:<10} full run / observed: M2 {r['M2_ratio']:.3f} "
                  f"{r['M2_phase_error']:+.1f}°  M4 {r['M4_ratio']:.2f}")  # fmt: skip
    common = dict(iterations=args.iterations, theta=theta, callback=show,
                  m4_weight=args.m4_weight, zones=args.zones, fit=tuple(args.fit))  # fmt: skip
    if args.method == "gauss-newton":
        best, history = gauss_newton(p, prior=prior, misfit_error=args.misfit_error, **common)
    else:
        best, history = calibrate(p, learning_rate=args.learning_rate, **common)
    log = {"fitted": scenario_values(p, best), "history": history, "full_run": mapping}
    Path(args.out).write_text(json.dumps(log, indent=1, default=float))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
