"""The validation cases: build contract inputs, run ``twinbench.simulate``, measure errors.

Shared by the tests (``test_*.py`` here) and by ``report.py``, which prints the tables of
``docs/validation.md``. Every run is cached per parameter set, so the tests that look at
different aspects of one run (error, conservation, positivity) pay for it once.

Inputs are built the way a user would, from the public contract only (CF standard names), and
outputs are read back by standard name. Errors are relative L1 norms,
``‖f − f_exact‖₁ / ‖f_exact‖₁`` over cell centres, and orders are ``log2(e_coarse / e_fine)``
between a grid and the one twice as fine.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from dataclasses import dataclass, field

import analytic
import numpy as np
import xarray as xr

import twinbench

# Standard names of the contract.
X = "projection_x_coordinate"
Y = "projection_y_coordinate"
BED = "sea_floor_depth_below_geoid"
ETA = "sea_surface_height_above_geoid"
DEPTH = "sea_floor_depth_below_sea_surface"
U = "sea_water_x_velocity"
V = "sea_water_y_velocity"


def cf_dataset(
    x: np.ndarray,
    y: np.ndarray,
    bed_depth: np.ndarray,
    eta: np.ndarray | None = None,
    u: np.ndarray | None = None,
    v: np.ndarray | None = None,
) -> xr.Dataset:
    """A contract inputs dataset on cell centres ``x`` (nx,), ``y`` (ny,) (m).

    ``bed_depth`` is positive down (m), ``eta`` the initial free surface (m), ``u``/``v`` the
    initial velocities (m s⁻¹); fields are ``(ny, nx)``. Variable names are deliberately not the
    engine's: the contract finds them by ``standard_name``.
    """
    shape = (len(y), len(x))

    def var(values, standard_name, units):
        values = np.broadcast_to(np.asarray(values, dtype=float), shape).copy()
        return ("y", "x"), values, {"standard_name": standard_name, "units": units}

    data = {"bathymetry": var(bed_depth, BED, "m")}
    if eta is not None:
        data["zeta"] = var(eta, ETA, "m")
    if u is not None:
        data["ux"] = var(u, U, "m s-1")
    if v is not None:
        data["vy"] = var(v, V, "m s-1")
    coords = {
        "x": ("x", np.asarray(x, dtype=float), {"standard_name": X, "units": "m"}),
        "y": ("y", np.asarray(y, dtype=float), {"standard_name": Y, "units": "m"}),
    }
    return xr.Dataset(data, coords=coords)


def centres(length: float, cells: int) -> np.ndarray:
    """Cell centres of ``cells`` equal cells on [0, length] (m)."""
    return (np.arange(cells) + 0.5) * (length / cells)


def field_of(out: xr.Dataset, standard_name: str) -> np.ndarray:
    """The output variable with ``standard_name`` as a ``(time, y, x)`` NumPy array."""
    hits = [v for v in out.data_vars.values() if v.attrs.get("standard_name") == standard_name]
    if len(hits) != 1:
        raise KeyError(f"expected one output variable with standard_name {standard_name!r}")
    return np.asarray(hits[0].transpose("time", "y", "x").values)


def relative_l1(numerical: np.ndarray, exact: np.ndarray) -> float:
    """‖numerical − exact‖₁ / ‖exact‖₁ on a uniform grid (the cell area cancels)."""
    return float(np.sum(np.abs(numerical - exact)) / np.sum(np.abs(exact)))


def order(coarse: float, fine: float, ratio: float = 2.0) -> float:
    """Observed order of accuracy between errors on grids ``ratio`` apart."""
    return math.log(coarse / fine) / math.log(ratio)


@dataclass
class Run:
    """One simulation: the output, the wall time and the measured quantities."""

    out: xr.Dataset
    seconds: float
    metrics: dict = field(default_factory=dict)

    @property
    def h(self) -> np.ndarray:
        return field_of(self.out, DEPTH)

    @property
    def eta(self) -> np.ndarray:
        return field_of(self.out, ETA)

    @property
    def u(self) -> np.ndarray:
        return field_of(self.out, U)

    @property
    def v(self) -> np.ndarray:
        return field_of(self.out, V)

    def volumes(self) -> np.ndarray:
        """Total water volume (m³, per metre of width when 1-D) at every output time."""
        x = self.out["x"].values
        y = self.out["y"].values
        dx = float(x[1] - x[0]) if x.size > 1 else float(y[1] - y[0])
        dy = float(y[1] - y[0]) if y.size > 1 else dx
        return np.sum(self.h.astype(np.float64), axis=(1, 2)) * dx * dy

    def relative_volume_change(self) -> float:
        vol = self.volumes()
        return float(np.max(np.abs(vol - vol[0])) / vol[0])


def _run(inputs: xr.Dataset, duration: float, **kwargs) -> Run:
    start = time.perf_counter()
    out = twinbench.simulate(inputs, duration, **kwargs)
    return Run(out, time.perf_counter() - start)


# --------------------------------------------------------------------------------------------
# Dam breaks (SWASHES parameters: 10 m channel, dam at 5 m, 6 s)
# --------------------------------------------------------------------------------------------
DAM = {"length": 10.0, "x0": 5.0, "h_left": 0.005, "h_right": 0.001, "duration": 6.0}


@functools.cache
def dam_break(cells: int, wet: bool, dtype: str = "float64") -> Run:
    """Stoker (``wet``) or Ritter dam break in a closed 1-cell-wide channel of ``cells`` cells.

    The waves stay inside the channel until t = 6 s, so the walls do not matter and the run
    doubles as a closed-basin conservation test.
    """
    p = DAM
    x = centres(p["length"], cells)
    h_right = p["h_right"] if wet else 0.0
    eta = np.where(x < p["x0"], p["h_left"], h_right)
    inputs = cf_dataset(x, [0.0], np.zeros(cells), eta=eta)
    run = _run(inputs, p["duration"], output_every=p["duration"] / 4, dtype=dtype)
    t = p["duration"]
    if wet:
        h_exact, u_exact = analytic.stoker(x, t, p["h_left"], p["h_right"], p["x0"])
    else:
        h_exact, u_exact = analytic.ritter(x, t, p["h_left"], p["x0"])
    h = run.h[-1, 0].astype(np.float64)
    hu = h * run.u[-1, 0].astype(np.float64)
    run.metrics = {
        "dx": p["length"] / cells,
        "l1_h": relative_l1(h, h_exact),
        "l1_hu": relative_l1(hu, h_exact * u_exact),
        "l1_h_abs": float(np.sum(np.abs(h - h_exact)) * p["length"] / cells),
        "l1_hu_abs": float(np.sum(np.abs(hu - h_exact * u_exact)) * p["length"] / cells),
        "volume": run.relative_volume_change(),
        "min_h": float(np.min(run.h)),
    }
    return run


# --------------------------------------------------------------------------------------------
# Lake at rest (SWASHES §3.1.1, §3.1.2: 25 m channel, bump of 0.2 m at x = 10 m)
# --------------------------------------------------------------------------------------------
LAKE = {"length": 25.0, "duration": 100.0, "duration_2d": 20.0}


@functools.cache
def lake_at_rest(cells: int, level: float) -> Run:
    """Still water at ``level`` over the SWASHES bump; walls at both ends."""
    x = centres(LAKE["length"], cells)
    bed = analytic.bump_bed(x)
    h_exact, _ = analytic.lake_at_rest(bed, level)
    inputs = cf_dataset(x, [0.0], -bed, eta=np.maximum(level, bed))
    run = _run(inputs, LAKE["duration"], output_every=LAKE["duration"] / 4)
    wet = h_exact > 0
    run.metrics = {
        "max_u": float(np.max(np.abs(run.u))),
        "max_v": float(np.max(np.abs(run.v))),
        "max_h_error": float(np.max(np.abs(run.h - h_exact))),
        "max_eta_error": float(np.max(np.abs(run.eta[:, 0][:, wet] - level))),
        "dry_cells": int(np.sum(~wet)),
        "volume": run.relative_volume_change(),
    }
    return run


@functools.cache
def lake_at_rest_2d(cells: int, level: float) -> Run:
    """Still water over a 2-D bump z = max(0, 0.2 − 0.05 r²) (r from the centre of a 12 m
    square), emerged when ``level`` < 0.2 m: tests both axes and diagonal shorelines."""
    x = centres(12.0, cells)
    xx, yy = np.meshgrid(x, x)
    bed = np.maximum(0.0, 0.2 - 0.05 * ((xx - 6.0) ** 2 + (yy - 6.0) ** 2))
    h_exact, _ = analytic.lake_at_rest(bed, level)
    inputs = cf_dataset(x, x, -bed, eta=np.maximum(level, bed))
    run = _run(inputs, LAKE["duration_2d"], output_every=LAKE["duration_2d"] / 4)
    wet = h_exact > 0
    run.metrics = {
        "max_u": float(np.max(np.abs(run.u))),
        "max_v": float(np.max(np.abs(run.v))),
        "max_h_error": float(np.max(np.abs(run.h - h_exact))),
        "max_eta_error": float(np.max(np.abs(run.eta[:, wet] - level))),
        "dry_cells": int(np.sum(~wet)),
        "volume": run.relative_volume_change(),
    }
    return run


# --------------------------------------------------------------------------------------------
# Steady flows over the bump (SWASHES §3.1.3–3.1.5: 25 m channel, no friction)
# --------------------------------------------------------------------------------------------
BUMP_RUN = {"duration": 400.0, "output_every": 50.0}


@functools.cache
def bump_flow(cells: int, kind: str) -> Run:
    """Subcritical, transcritical or shocked steady flow over the SWASHES bump, from rest.

    As SWASHES: still water at level ``h_out`` with u = 0; discharge q imposed upstream;
    downstream the ``level`` boundary at ``h_out``, which acts while the outflow is subcritical
    and not once it is supercritical (the face flux is then the upwind one: the transcritical
    case). A zero-gradient (``open``) side instead lets a subcritical outflow settle at any
    level: from rest it ended subcritical at 1.05 m, not on the transcritical branch.
    Run to a steady state.
    """
    p = analytic.BUMP_FLOWS[kind]
    x = centres(LAKE["length"], cells)
    bed = analytic.bump_bed(x)
    h_exact, x_shock = analytic.bump_flow(x, kind)
    inputs = cf_dataset(x, [0.0], -bed, eta=np.full(cells, p["h_out"]), u=np.zeros(cells))
    east = {"type": "level", "value": p["h_out"]}
    run = _run(
        inputs,
        BUMP_RUN["duration"],
        output_every=BUMP_RUN["output_every"],
        physics={"friction": {"law": "none"}},
        boundaries={"west": {"type": "discharge", "value": p["q"]}, "east": east},
    )
    h = run.h[:, 0].astype(np.float64)
    hu = h * run.u[:, 0].astype(np.float64)
    dx = LAKE["length"] / cells
    smooth = np.ones(cells, bool) if math.isnan(x_shock) else np.abs(x - x_shock) > 0.5
    upstream = smooth if math.isnan(x_shock) else x < x_shock - 0.5
    # The position of the jump: where the depth crosses the mean of its two sides.
    jump = math.nan
    if not math.isnan(x_shock):
        middle = 0.5 * (h_exact[x < x_shock].min() + h_exact[x > x_shock][0])
        rising = np.flatnonzero((h[-1][:-1] < middle) & (h[-1][1:] >= middle) & (x[:-1] > 10.0))
        if rising.size:
            k = rising[0]
            jump = x[k] + dx * (middle - h[-1][k]) / (h[-1][k + 1] - h[-1][k])
    run.metrics = {
        "dx": dx,
        "l1_h": relative_l1(h[-1], h_exact),
        "l1_h_smooth": relative_l1(h[-1][smooth], h_exact[smooth]),
        # before the jump (the supercritical part): what the jump's flicker cannot reach
        "l1_h_upstream": relative_l1(h[-1][upstream], h_exact[upstream]),
        "l1_hu": relative_l1(hu[-1], np.full(cells, p["q"])),
        "max_h_error_smooth": float(np.max(np.abs(h[-1] - h_exact)[smooth])),
        "steadiness": float(np.max(np.abs(h[-1] - h[-2])) / BUMP_RUN["output_every"]),
        "x_shock": x_shock,
        "x_jump": jump,
        "min_h": float(np.min(h)),
    }
    return run


# --------------------------------------------------------------------------------------------
# Inertial oscillation: a uniform current turning under Coriolis, damped by linear friction
# --------------------------------------------------------------------------------------------
INERTIAL = {"f": 1e-4, "u0": 0.5, "depth": 10.0, "dx": 10_000.0, "cells": 4, "periods": 2}


@functools.cache
def inertial(cfl: float, tau: float = 0.0) -> Run:
    """A uniform 0.5 m/s current on a flat, level 10 m sea (4 × 4 cells of 10 km, transmissive
    sides, so the state stays uniform) for two inertial periods 2π/f, f = 1e-4 s⁻¹; linear
    friction ``tau`` (s⁻¹). The time step is the CFL step ∝ ``cfl`` (≈ 214 s at 0.45: f Δt ≈
    0.02), so halving ``cfl`` measures the order in time."""
    p = INERTIAL
    n, dx = p["cells"], p["dx"]
    x = centres(n * dx, n)
    shape = (n, n)
    inputs = cf_dataset(x, x, np.full(shape, p["depth"]), eta=np.zeros(shape),
                        u=np.full(shape, p["u0"]), v=np.zeros(shape))  # fmt: skip
    duration = p["periods"] * 2.0 * math.pi / p["f"]
    friction = {"law": "linear", "coefficient": tau} if tau else {"law": "none"}
    run = _run(
        inputs,
        duration,
        output_every=duration / 16,
        physics={"coriolis": p["f"], "cfl": cfl, "friction": friction},
        boundaries={side: {"type": "open"} for side in ("west", "east", "south", "north")},
    )
    t = np.asarray(run.out["time"].values, dtype=float)
    t = t - t[0]
    u_exact, v_exact = analytic.inertial_oscillation(t, p["u0"], 0.0, p["f"], tau)
    u, v = run.u.astype(np.float64), run.v.astype(np.float64)
    error = np.hypot(u - u_exact[:, None, None], v - v_exact[:, None, None])
    speed = np.hypot(u, v)
    run.metrics = {
        "dt_f": cfl * dx / (2.0 * (p["u0"] + math.sqrt(9.81 * p["depth"]))) * p["f"],
        "error": float(error.max() / p["u0"]),
        "speed_error": float(np.max(np.abs(speed - np.hypot(u_exact, v_exact)[:, None, None]))),
        "uniformity": float(max(np.ptp(u, axis=(1, 2)).max(), np.ptp(run.eta, axis=(1, 2)).max())),
    }
    return run


# Geostrophic jet (Gill 1982 §7.6): u = −(g/f) ∂η/∂y, a steady solution of the nonlinear
# rotating shallow-water equations for a flow along x that does not vary along x.
GEOSTROPHIC = {"width": 400e3, "depth": 100.0, "f": 1e-4, "eta0": 0.1, "sigma": 50e3,
               "duration": 2 * 86400.0}  # fmt: skip


@functools.cache
def geostrophic_jet(cells: int) -> Run:
    """A Gaussian surface bump across a 400 km channel (η0 = 0.1 m, e-folding half-width
    50 km; 100 m deep, f = 1e-4 s⁻¹: Rossby radius 313 km) with its geostrophic jet along x, in
    a column one cell long in x between walls, over two days (2.5 inertial periods), outputs
    every 6 h. Exactly steady in the equations; the discrete Coriolis term (cell-centred)
    and pressure gradient (face fluxes) do not balance exactly, so the state drifts by the
    scheme's error: the largest departures of η, u and v from the initial state."""
    p = GEOSTROPHIC
    g = analytic.G
    y = centres(p["width"], cells)
    s = (y - 0.5 * p["width"]) / p["sigma"]
    eta = p["eta0"] * np.exp(-s * s)
    u = (g / p["f"]) * eta * 2.0 * s / p["sigma"]  # −(g/f) ∂η/∂y
    shape = (cells, 1)
    inputs = cf_dataset([0.0], y, np.full(shape, p["depth"]), eta=eta[:, None], u=u[:, None],
                        v=np.zeros(shape))  # fmt: skip
    run = _run(inputs, p["duration"], output_every=p["duration"] / 8,
               physics={"coriolis": p["f"]})  # fmt: skip
    speed = np.abs(u).max()
    run.metrics = {
        "dx": p["width"] / cells,
        "eta_drift": float(np.abs(run.eta[:, :, 0] - eta[None]).max() / p["eta0"]),
        "u_drift": float(np.abs(run.u[:, :, 0] - u[None]).max() / speed),
        "v_max": float(np.abs(run.v).max() / speed),
        "l1_eta": relative_l1(run.eta[-1, :, 0].astype(np.float64), eta),
        "u_max": float(speed),
    }
    return run


# --------------------------------------------------------------------------------------------
# MacDonald's long channel (SWASHES §3.2, subcritical, Manning n = 0.033, q = 2 m² s⁻¹)
# --------------------------------------------------------------------------------------------
MACDONALD = analytic.MacDonald()
MACDONALD_SUPERCRITICAL = analytic.MacDonald(regime="supercritical")
MACDONALD_RUN = {"duration": 6000.0, "output_every": 500.0}


@functools.cache
def macdonald(cells: int, cfl: float = 0.45, regime: str = "subcritical") -> Run:
    """Steady flow in the 1000 m MacDonald channel, from still water to the steady state.

    The bed is the exact z(x) at cell centres; the run starts from the exact depth at rest
    (u = 0), so the discharge has to establish itself, and ends at a steady state (checked by
    the change over the last output interval). Subcritical: discharge q upstream, level
    η = h(L) + z(L) = h(L) downstream. Supercritical: discharge q and depth h(0) upstream
    (both imposed), a free (open) outflow.
    """
    case = MACDONALD if regime == "subcritical" else MACDONALD_SUPERCRITICAL
    x = centres(case.length, cells)
    bed = case.bed(x)
    h_exact = case.depth(x)
    inputs = cf_dataset(x, [0.0], -bed, eta=bed + h_exact, u=np.zeros(cells))
    if regime == "subcritical":
        level = float(case.depth(np.array([case.length]))[0])
        boundaries = {
            "west": {"type": "discharge", "value": case.discharge},
            "east": {"type": "level", "value": level},
        }
    else:
        inflow_depth = float(case.depth(np.array([0.0]))[0])
        boundaries = {
            "west": {"type": "discharge", "value": case.discharge, "depth": inflow_depth},
            "east": {"type": "open"},
        }
    run = _run(
        inputs,
        MACDONALD_RUN["duration"],
        output_every=MACDONALD_RUN["output_every"],
        physics={"cfl": cfl, "friction": {"law": "manning", "coefficient": case.manning}},
        boundaries=boundaries,
    )
    h = run.h[:, 0]
    hu = h * run.u[:, 0]
    interval = MACDONALD_RUN["output_every"]
    interior = (x > 0.1 * case.length) & (x < 0.9 * case.length)
    run.metrics = {
        "dx": case.length / cells,
        "cfl": cfl,
        "l1_h": relative_l1(h[-1], h_exact),
        "l1_h_interior": relative_l1(h[-1][interior], h_exact[interior]),
        "l1_hu": relative_l1(hu[-1], np.full(cells, case.discharge)),
        "max_h_error": float(np.max(np.abs(h[-1] - h_exact))),
        "steadiness": float(np.max(np.abs(h[-1] - h[-2])) / interval),
    }
    return run


NORMAL_FLOW = {"length": 1000.0, "slope": 1e-3, "manning": 0.033, "discharge": 1.0}


@functools.cache
def normal_flow(cells: int, cfl: float = 0.45) -> Run:
    """Uniform flow at the Manning normal depth down a 1000 m, 0.1 % slope, started exactly.

    Upstream discharge q, downstream level at the normal depth; run with Courant number
    ``cfl`` to a steady state. The exact solution is h = h_n everywhere; the interior of a
    linear bed with constant depth is reproduced exactly by the spatial scheme, so what is
    left measures the boundaries and the time discretisation of friction.
    """
    p = NORMAL_FLOW
    h_n = analytic.manning_normal_depth(p["discharge"], p["manning"], p["slope"])
    x = centres(p["length"], cells)
    bed = p["slope"] * (p["length"] - x)
    inputs = cf_dataset(x, [0.0], -bed, eta=bed + h_n, u=np.full(cells, p["discharge"] / h_n))
    run = _run(
        inputs,
        MACDONALD_RUN["duration"],
        output_every=MACDONALD_RUN["output_every"],
        physics={"cfl": cfl, "friction": {"law": "manning", "coefficient": p["manning"]}},
        boundaries={
            "west": {"type": "discharge", "value": p["discharge"]},
            "east": {"type": "level", "value": h_n},
        },
    )
    h = run.h[-1, 0]
    middle = slice(cells // 4, 3 * cells // 4)
    run.metrics = {
        "dx": p["length"] / cells,
        "cfl": cfl,
        "normal_depth": h_n,
        "max_error": float(np.max(np.abs(h - h_n)) / h_n),
        "interior_error": float(np.max(np.abs(h[middle] - h_n)) / h_n),
        "steadiness": float(np.max(np.abs(run.h[-1] - run.h[-2])) / MACDONALD_RUN["output_every"]),
    }
    return run


# --------------------------------------------------------------------------------------------
# Thacker's radially symmetric paraboloid (SWASHES: a = 1 m, r0 = 0.8 m, h0 = 0.1 m, L = 4 m)
# --------------------------------------------------------------------------------------------
THACKER = analytic.ThackerRadial()


def _paraboloid(
    case, cells: int, periods: float, centre=None, banks="hydrostatic", coriolis=0.0
) -> Run:
    """A Thacker case in a ``cells`` × ``cells`` square with walls, started from the exact
    state, with the errors of h and of the discharges at every output (T/4 apart).

    ``centre(t)`` (optional) is the exact centre of the water mass: its largest distance from
    the modelled one becomes ``centre_error``."""
    x = centres(case.length, cells)
    xx, yy = np.meshgrid(x, x)
    bed = case.bed(xx, yy)
    u0, v0 = case.velocity(xx, yy, 0.0)
    velocity = {"u": u0, "v": v0} if np.any(u0) or np.any(v0) else {}
    inputs = cf_dataset(x, x, -bed, eta=bed + case.depth(xx, yy, 0.0), **velocity)
    physics = {"banks": banks, "coriolis": coriolis}
    run = _run(inputs, periods * case.period, output_every=case.period / 4, physics=physics)
    l1_h, flux_error, flux_norm, centre_error = [], 0.0, 0.0, 0.0
    for k, t in enumerate(run.out["time"].values.astype(float)):
        h = run.h[k].astype(np.float64)
        h_exact = case.depth(xx, yy, t)
        u_exact, v_exact = case.velocity(xx, yy, t)
        l1_h.append(relative_l1(h, h_exact))
        flux_error += np.sum(np.abs(h * run.u[k] - h_exact * u_exact))
        flux_error += np.sum(np.abs(h * run.v[k] - h_exact * v_exact))
        flux_norm += np.sum(np.abs(h_exact * u_exact) + np.abs(h_exact * v_exact))
        if centre is not None:
            modelled = np.array([np.sum(h * xx), np.sum(h * yy)]) / np.sum(h)
            centre_error = max(centre_error, float(np.hypot(*(modelled - centre(t)))))
    run.metrics = {
        "dx": case.length / cells,
        "l1_h": l1_h[-1],
        "l1_h_max": max(l1_h),
        "l1_hu": float(flux_error / flux_norm),
        "volume": run.relative_volume_change(),
        "min_h": float(np.min(run.h)),
    }
    if centre is not None:
        run.metrics["centre_error"] = centre_error
    return run


@functools.cache
def thacker(cells: int, periods: float = 1.0, banks: str = "hydrostatic") -> Run:
    """Thacker's oscillation in a ``cells`` × ``cells`` square with walls, over ``periods``
    (``banks``: the engine's ``physics["banks"]``)."""
    return _paraboloid(THACKER, cells, periods, banks=banks)


THACKER_PLANAR = analytic.ThackerPlanar()


@functools.cache
def thacker_planar(
    cells: int, periods: float = 1.0, banks: str = "hydrostatic", f: float = 0.0
) -> Run:
    """Thacker's planar surface in a ``cells`` × ``cells`` square with walls, over ``periods``
    (with the Coriolis parameter ``f``, s⁻¹: the rotating solution); the metrics as
    :func:`thacker`, plus the error of the water's centre of mass, which is the shoreline
    circle's centre L/2 + η0 (cos ωt, sin ωt)."""
    case = THACKER_PLANAR if f == 0.0 else analytic.ThackerPlanar(f=f)

    def centre(t: float) -> np.ndarray:
        turn = np.array([np.cos(case.omega * t), np.sin(case.omega * t)])
        return 0.5 * case.length + case.eta0 * turn

    return _paraboloid(case, cells, periods, centre, banks=banks, coriolis=f)


# --------------------------------------------------------------------------------------------
# Sampson's damped oscillation in a parabola (SWASHES: a = 3000 m, h0 = 10 m, τ = 1e-3 s⁻¹,
# B = 5 m s⁻¹, L = 10 km, 6000 s)
# --------------------------------------------------------------------------------------------
SAMPSON = analytic.Sampson()
SAMPSON_RUN = {"duration": 6000.0, "output_every": 250.0}


@functools.cache
def sampson(cells: int) -> Run:
    """Sampson's oscillation in a closed 1-cell-wide channel of ``cells`` cells with linear
    friction τ, started from the exact state, over SWASHES's 6000 s (4.4 periods, the
    velocity damped to e^(−τt/2) = 5 %), with the errors at every output (250 s apart): L1 of
    h (the last output's and the largest), of the discharge (summed over all outputs), the
    water's centre of mass (largest) and the velocity in the middle of the channel (wet
    throughout; largest, over B) against the exact u(t)."""
    case, p = SAMPSON, SAMPSON_RUN
    x = centres(case.length, cells)
    bed = case.bed(x)
    inputs = cf_dataset(x, [0.0], -bed, eta=bed + case.depth(x, 0.0))
    friction = {"law": "linear", "coefficient": case.tau}
    run = _run(inputs, p["duration"], output_every=p["output_every"],
               physics={"friction": friction})  # fmt: skip
    middle = cells // 2
    l1_h, flux_error, flux_norm, centre, velocity = [], 0.0, 0.0, 0.0, 0.0
    for k, t in enumerate(run.out["time"].values.astype(float)):
        h = run.h[k, 0].astype(np.float64)
        u = run.u[k, 0].astype(np.float64)
        h_exact, u_exact = case.depth(x, t), case.velocity(x, t)
        l1_h.append(relative_l1(h, h_exact))
        flux_error += np.sum(np.abs(h * u - h_exact * u_exact))
        flux_norm += np.sum(np.abs(h_exact * u_exact))
        modelled = np.sum(h * x) / np.sum(h)
        exact = np.sum(h_exact * x) / np.sum(h_exact)
        centre = max(centre, abs(modelled - exact))
        velocity = max(velocity, abs(u[middle] - u_exact[middle]))
    run.metrics = {
        "dx": case.length / cells,
        "l1_h": l1_h[-1],
        "l1_h_max": max(l1_h),
        "l1_hu": float(flux_error / flux_norm),
        "centre_error": centre,
        "u_error": velocity / case.B,
        "volume": run.relative_volume_change(),
        "min_h": float(np.min(run.h)),
    }
    return run


# --------------------------------------------------------------------------------------------
# Solitary wave runup on a plane beach (Synolakis 1987: H/d = 0.0185 on a 1:19.85 beach, d = 1 m)
# --------------------------------------------------------------------------------------------
RUNUP = analytic.SolitaryRunup()
RUNUP_WET = 1e-4  # a beach cell counts as reached when h > RUNUP_WET × d


@functools.cache
def solitary_runup(cells_per_depth: int) -> Run:
    """The solitary wave of :data:`RUNUP` running up its beach in a 1-cell-wide channel of
    Δx = d / ``cells_per_depth``, from a quarter of the toe's distance inland to 3.3 wave
    half-widths beyond the starting crest (an open sea side), for twice the time a wave takes
    from the crest to the shoreline; outputs every 0.05 s. The runup is the highest free
    surface over the beach's cells with h > :data:`RUNUP_WET` d at any output."""
    case = RUNUP
    c = math.sqrt(case.g * case.d)
    start, end = -0.25 * case.toe, case.toe + 3.3 * case.offset
    dx = case.d / cells_per_depth
    cells = round((end - start) / dx)
    x = start + centres(cells * dx, cells)
    bed = case.bed(x)
    eta, u = case.initial(x)
    inputs = cf_dataset(x, [0.0], -bed, eta=np.maximum(eta, bed), u=u)
    duration = 2.0 * (case.offset + case.toe) / c
    run = _run(inputs, duration, output_every=0.05, boundaries={"east": {"type": "open"}})
    h, surface = run.h[:, 0].astype(np.float64), run.eta[:, 0].astype(np.float64)
    reached = (h > RUNUP_WET * case.d) & (x < case.toe)
    highest = np.where(reached, surface, -np.inf).max(axis=1)
    k = int(np.argmax(highest))
    run.metrics = {
        "dx": dx,
        "cells": cells,
        "runup": float(highest[k]),
        "runup_error": float(highest[k] / case.max_runup() - 1.0),
        "time": float(run.out["time"].values[k] - run.out["time"].values[0]),
        "min_h": float(np.min(run.h)),
    }
    return run


# --------------------------------------------------------------------------------------------
# Viscous decay of a shear flow (horizontal eddy viscosity: u_t = ν u_yy)
# --------------------------------------------------------------------------------------------
SHEAR = {"width": 1000.0, "depth": 10.0, "u0": 0.1}


@functools.cache
def viscous_shear(cells: int, viscosity: float) -> Run:
    """A flow along x varying across a 1000 m channel, u = U cos(π y/W), in a column one cell
    long in x between walls (no flow along x, so no advection and a flat surface) on 10 m of
    water: the viscosity term alone, u_t = ν u_yy, whose exact solution decays as
    exp(−ν (π/W)² t) (free-slip walls: ∂u/∂y = 0 there). Run for one e-folding time, outputs
    every quarter of it."""
    p = SHEAR
    k = math.pi / p["width"]
    duration = 1.0 / (viscosity * k * k)
    y = centres(p["width"], cells)
    shape = (cells, 1)
    profile = np.cos(k * y)[:, None]
    inputs = cf_dataset([0.0], y, np.full(shape, p["depth"]), eta=np.zeros(shape),
                        u=p["u0"] * profile, v=np.zeros(shape))  # fmt: skip
    run = _run(inputs, duration, output_every=duration / 4, physics={"viscosity": viscosity})
    t = run.out["time"].values.astype(float)
    exact = p["u0"] * profile[None] * np.exp(-viscosity * k * k * (t - t[0]))[:, None, None]
    u = run.u.astype(np.float64)
    amplitude = np.sum(u[-1] * profile) / np.sum(profile * profile)
    run.metrics = {
        "dx": p["width"] / cells,
        "l1_u": relative_l1(u[-1], exact[-1]),
        "l1_u_max": max(relative_l1(u[i], exact[i]) for i in range(1, t.size)),
        "rate_error": float(-math.log(amplitude / p["u0"]) / (viscosity * k * k * duration) - 1.0),
        "discrete_rate_error": float(
            (2.0 * cells / (math.pi)) ** 2 * math.sin(math.pi / (2.0 * cells)) ** 2 - 1.0
        ),
        "max_v": float(np.abs(run.v).max()),
        "eta_range": float(np.ptp(run.eta)),
    }
    return run


# --------------------------------------------------------------------------------------------
# Seiche (mode 1 in a closed 1000 m basin, 10 m deep, 1 mm amplitude)
# --------------------------------------------------------------------------------------------
SEICHE = analytic.Seiche(length=1000.0, depth=10.0, amplitude=0.001)


@functools.cache
def seiche(cells: int, periods: float, samples_per_period: int = 40, axis: str = "x") -> Run:
    """The mode-1 seiche, started from rest at its largest elevation, sampled in time.

    ``axis`` chooses the direction of the basin ("x": nx = ``cells``, ny = 1; "y": the
    transpose), so that both directions of the engine are exercised.
    """
    case = SEICHE
    s = centres(case.length, cells)
    eta0 = case.cell_average_surface(s, case.length / cells, 0.0)
    if axis == "x":
        inputs = cf_dataset(s, [0.0], np.full(cells, case.depth), eta=eta0)
    else:
        inputs = cf_dataset([0.0], s, np.full((cells, 1), case.depth), eta=eta0[:, None])
    duration = periods * case.period
    run = _run(inputs, duration, output_every=case.period / samples_per_period)
    eta = run.eta[:, :, 0] if axis == "y" else run.eta[:, 0, :]
    times = run.out["time"].values.astype(float)
    exact = case.cell_average_surface(s, case.length / cells, times[-1])
    period, decay = _period_and_decay(times, eta[:, 0])
    run.metrics = {
        "dx": case.length / cells,
        "l1_eta": float(np.sum(np.abs(eta[-1] - exact)) / np.sum(np.abs(eta0))),
        "period": period,
        "period_error": period / case.period - 1.0,
        "decay_per_period": decay,
        "volume": run.relative_volume_change(),
    }
    return run


def _period_and_decay(times: np.ndarray, signal: np.ndarray) -> tuple[float, float]:
    """Period (s) from the upward and downward zero crossings of ``signal`` (linear
    interpolation between samples, a fit of crossing time against crossing number), and the
    relative amplitude lost per period (a fit of log |extremum| against time)."""
    sign = np.sign(signal)
    idx = np.nonzero(sign[:-1] * sign[1:] < 0)[0]
    crossings = times[idx] - signal[idx] * (times[idx + 1] - times[idx]) / (
        signal[idx + 1] - signal[idx]
    )
    half_period = np.polyfit(np.arange(crossings.size), crossings, 1)[0]
    period = 2.0 * half_period
    # Extrema between consecutive crossings, refined by a parabola through the top 3 samples.
    peaks_t, peaks_a = [], []
    bounds = np.concatenate([[0], idx + 1, [signal.size]])
    for lo, hi in itertools.pairwise(bounds):
        if hi - lo < 3:
            continue
        k = lo + int(np.argmax(np.abs(signal[lo:hi])))
        if k in (0, signal.size - 1):
            peaks_t.append(times[k])
            peaks_a.append(abs(signal[k]))
            continue
        y0, y1, y2 = np.abs(signal[k - 1 : k + 2])
        denom = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / denom if denom != 0 else 0.0
        peaks_t.append(times[k] + shift * (times[k + 1] - times[k]))
        peaks_a.append(y1 - 0.25 * (y0 - y2) * shift)
    slope = np.polyfit(peaks_t, np.log(peaks_a), 1)[0]
    decay = 1.0 - math.exp(slope * period)
    return float(period), float(decay)


# --------------------------------------------------------------------------------------------
# Tidal waves: a Kelvin wave along a coast, the co-oscillating tide of a closed channel
# --------------------------------------------------------------------------------------------
KELVIN = analytic.KelvinWave(depth=10.0, amplitude=0.001, f=1e-4)
KELVIN_BOX = {"length": 400e3, "width": 200e3, "periods": 2}
KELVIN_LAND = {"rows": 2, "height": 5.0}  # a land coast: rows of dry cells, bed 5 m above datum
CO_TIDE = analytic.CoOscillatingTide(length=80e3, depth=10.0, amplitude=0.001, tau=1e-4)
CO_TIDE_PERIODS = 3


def _harmonic(times: np.ndarray, series: np.ndarray, omega: float) -> np.ndarray:
    """Complex amplitude Z of ``series`` (time first) with series ≈ m + Re(Z e^(iωt)), by least
    squares over ``times`` (one or more whole periods)."""
    basis = np.stack([np.ones_like(times), np.cos(omega * times), np.sin(omega * times)], 1)
    flat = series.reshape(series.shape[0], -1)
    coef = np.linalg.lstsq(basis, flat, rcond=None)[0]
    return (coef[1] - 1j * coef[2]).reshape(series.shape[1:])


@functools.cache
def kelvin(cells: int, axis: str = "x", coast: str = "wall", banks: str = "hydrostatic") -> Run:
    """A Kelvin wave of M2's period along a 400 km × 200 km channel on an f-plane (10 m deep,
    f = 1e-4 s⁻¹: c = 9.9 m/s, R = 99 km, wavelength 443 km), ``cells`` cells along it and
    ``cells``/2 across.

    Started from the exact wave (cell averages of η and u = g η / c); the west side clamps
    the exact level along it (a table over time and y), the east side radiates (a tidal sea
    at rest: the outgoing wave leaves), south and north are walls (v = 0 is exact). Two
    periods; the errors are those of the second: η against the exact cell averages at 24
    times, and from each cell's harmonic fit the e-folding width across the channel (a line
    through log |Z| across each column of the middle half) and the phase speed (the slope of
    the phase along each row), against R = c/f and c = √(gH).

    ``axis="y"`` runs the same channel turned a quarter turn anticlockwise (the wave travels
    north with the coast on the east side, forced from the south): the f-plane equations and
    the grid are invariant under that rotation, so its fields, turned back, must be the x
    run's (``metrics`` are then left empty).

    ``coast="land"`` puts the channel between two strips of land cells (``KELVIN_LAND``: dry
    cells whose bed stands 5 m above the sea) inside the domain instead of the domain's edge
    walls, as every real coastline is in a twin; the metrics are those of the water cells.
    ``banks`` is the engine's ``physics["banks"]`` (``"hydrostatic"``, its default, finding 5;
    ``"wall"``: dry banks above the sea act as walls where the coast follows the grid)."""
    case, box = KELVIN, KELVIN_BOX
    n_along, n_across = cells, cells // 2
    d_along, d_across = box["length"] / n_along, box["width"] / n_across
    s, r = centres(box["length"], n_along), centres(box["width"], n_across)
    eta0 = case.cell_average_surface(s, r, d_along, d_across, 0.0)  # (across, along)
    u0 = case.cell_average_velocity(s, r, d_along, d_across, 0.0)
    duration = box["periods"] * case.period
    table_times = np.linspace(0.0, duration, 801)
    at_mouth = np.real(case.cell_average_complex_surface([0.0], r, 1e-9, d_across)[:, 0])
    level = np.cos(case.omega * table_times)[:, None] * at_mouth[None, :]
    radiating = {"type": "tide", "constituents": {}}
    land = KELVIN_LAND["rows"] if coast == "land" else 0
    depth = np.full(eta0.shape, case.depth)
    r_all = r
    if land:  # land rows either side: dry (bed above the sea), nothing to force there
        rows = land * d_across * np.arange(1, land + 1) / land
        r_all = np.concatenate([r[0] - rows[::-1], r, r[-1] + rows])
        pad = lambda a, value: np.pad(a, ((land, land), (0, 0)), constant_values=value)  # noqa: E731
        height = KELVIN_LAND["height"]
        depth, eta0, u0 = pad(depth, -height), pad(eta0, height), pad(u0, 0.0)
        level = np.pad(level, ((0, 0), (land, land)))
    if axis == "x":
        inputs = cf_dataset(s, r_all, depth, eta=eta0, u=u0, v=0.0 * u0)
        forcing = xr.DataArray(level, dims=("time", "y"), coords={"time": table_times, "y": r_all})
        sides = {"west": {"type": "level", "value": forcing}, "east": radiating}
    else:  # (x, y) → (W − y, x): across becomes x, reversed; along becomes y
        turn = lambda a: a[::-1, :].T  # noqa: E731
        inputs = cf_dataset(r_all, s, turn(depth), eta=turn(eta0), u=0.0 * turn(u0), v=turn(u0))
        forcing = xr.DataArray(
            level[:, ::-1], dims=("time", "x"), coords={"time": table_times, "x": r_all}
        )
        sides = {"south": {"type": "level", "value": forcing}, "north": radiating}
    run = _run(inputs, duration, output_every=case.period / 24,
               physics={"coriolis": case.f, "banks": banks}, boundaries=sides)  # fmt: skip
    if axis != "x":
        return run
    x, y, dx, dy, nx, ny = s, r, d_along, d_across, n_along, n_across
    t = np.asarray(run.out["time"].values, dtype=float)
    last = t >= t[-1] - case.period - 1e-6
    water = slice(land, land + ny)
    eta = run.eta[last][:, water].astype(np.float64)
    exact = np.stack([case.cell_average_surface(x, y, dx, dy, s) for s in t[last]])
    z = _harmonic(t[last][:-1], eta[:-1], case.omega)
    middle = slice(nx // 4, 3 * nx // 4)
    widths = [-1.0 / np.polyfit(y, np.log(np.abs(z[:, i])), 1)[0] for i in range(nx)[middle]]
    phase = np.unwrap(np.angle(z), axis=1)
    slopes = [np.polyfit(x[middle], phase[j, middle], 1)[0] for j in range(ny)]
    speed = case.omega / -np.mean(slopes)
    u, v = np.abs(run.u[last][:, water]), np.abs(run.v[last][:, water])
    run.metrics = {
        "dx": dx,
        "l1_eta": relative_l1(eta, exact),
        "width": float(np.mean(widths)),
        "width_error": float(np.mean(widths) / case.rossby_radius - 1.0),
        "speed": float(speed),
        "speed_error": float(speed / case.speed - 1.0),
        "l1_v_over_u": float(v.sum() / u.sum()),
        "max_v_over_u": float(v.max() / u.max()),
        "max_v_inside": float(v[:, 1:-1].max() / u.max()),
    }
    return run


def turned_back(field: np.ndarray) -> np.ndarray:
    """A ``kelvin(..., axis="y")`` field ``(time, along, across reversed)`` laid out as the x
    run's ``(time, across, along)``."""
    return field[:, :, ::-1].transpose(0, 2, 1)


@functools.cache
def co_oscillating_tide(cells: int) -> Run:
    """The tide of an 80 km closed channel, 10 m deep, with linear friction τ = 1e-4 s⁻¹,
    forced at its mouth by a 1 mm M2 level (``cells`` cells along it, one across).

    Started from the exact tide (cell averages of η and u); three periods, the last one
    measured: η against the exact cell averages (24 times), and each cell's harmonic fit
    against the exact complex amplitude — L1 along the channel, the head cell's amplitude
    ratio and its high water's delay (min)."""
    case = CO_TIDE
    dx = case.length / cells
    x = centres(case.length, cells)
    z_exact = case.cell_average_complex_surface(x, dx)
    u_exact = case.cell_average_complex_velocity(x, dx)
    inputs = cf_dataset(x, [0.0], np.full(cells, case.depth), eta=np.real(z_exact),
                        u=np.real(u_exact), v=np.zeros(cells))  # fmt: skip
    duration = CO_TIDE_PERIODS * case.period
    table_times = np.linspace(0.0, duration, 6001)
    mouth = case.amplitude * np.cos(case.omega * table_times)
    run = _run(
        inputs,
        duration,
        output_every=case.period / 24,
        physics={"friction": {"law": "linear", "coefficient": case.tau}},
        boundaries={
            "west": {
                "type": "level",
                "value": xr.DataArray(mouth, dims="time", coords={"time": table_times}),
            }
        },
    )
    t = np.asarray(run.out["time"].values, dtype=float)
    last = t >= t[-1] - case.period - 1e-6
    eta = run.eta[last][:, 0, :].astype(np.float64)
    exact = np.real(z_exact[None, :] * np.exp(1j * case.omega * t[last])[:, None])
    z = _harmonic(t[last][:-1], eta[:-1], case.omega)
    lag = -np.angle(z[-1] / z_exact[-1]) / case.omega
    run.metrics = {
        "dx": dx,
        "l1_eta": relative_l1(eta, exact),
        "l1_amplitude": float(np.sum(np.abs(z - z_exact)) / np.sum(np.abs(z_exact))),
        "head_ratio": float(abs(z[-1]) / abs(z_exact[-1])),
        "head_amplitude_error": float(abs(z[-1]) / abs(z_exact[-1]) - 1.0),
        "head_amplification": float(abs(z[-1]) / case.amplitude),
        "head_lag_error_min": float(lag / 60.0),
    }
    return run


# --------------------------------------------------------------------------------------------
# A channel at an angle to the grid: its coast a staircase of land cells
# --------------------------------------------------------------------------------------------
STAIRCASE = {"depth": 5.0, "amplitude": 0.02, "dx": 100.0, "columns": 40, "height": 10.0}


@functools.cache
def staircase_channel(slope: float, half_width: int, banks: str = "wall") -> Run:
    """The first seiche mode of a frictionless channel of full cells at an angle θ to the grid
    (``slope`` = tan θ): the water cells whose centre lies within (``half_width`` + ½) Δ of the
    centreline across x, land (bed 10 m above the sea) elsewhere, closed at x = 0 and at
    x = 40 Δ. A 45° channel's banks are 4-connected staircases; at tan θ = ⅓, straight runs of
    three faces between steps; at 0, straight coasts.

    Started at rest with η = A cos(π s / L) along the channel (s = x / cos θ, L = 40 Δ / cos θ);
    2.2 periods of the theory's 2L/√(gH). ``metrics``: the period from the zero crossings at
    the channel's first cell, over 2L/√(gH), and ``kept``: the largest |η| there over the last
    period over that of the first (1 without dissipation)."""
    p = STAIRCASE
    dx, n, k = p["dx"], p["columns"], half_width
    ny = math.ceil(n * slope) + 2 * k + 3
    x, y = centres(n * dx, n), centres(ny * dx, ny)
    X, Y = np.meshgrid(x, y)
    water = np.abs(Y - (k + 1.5) * dx - X * slope) <= (k + 0.5) * dx
    length = n * dx * math.hypot(1.0, slope)
    eta = np.where(water, p["amplitude"] * np.cos(np.pi * X * math.hypot(1.0, slope) / length), 0.0)
    depth = np.where(water, p["depth"], -p["height"])
    eta = np.where(water, eta, p["height"])
    period = 2.0 * length / math.sqrt(9.81 * p["depth"])
    run = _run(cf_dataset(x, y, depth, eta=eta), 2.2 * period, output_every=period / 100,
               physics={"banks": banks})  # fmt: skip
    j = int(np.flatnonzero(water[:, 0])[0])
    t = np.asarray(run.out["time"].values, dtype=float)
    e = run.eta[:, j, 0].astype(np.float64)
    up = np.flatnonzero((e[:-1] > 0) != (e[1:] > 0))
    crossings = t[up] + (t[up + 1] - t[up]) * e[up] / (e[up] - e[up + 1])
    first, last = t <= period, t >= t[-1] - period
    run.metrics = {
        "period_ratio": 2.0 * float(np.mean(np.diff(crossings))) / period,
        "kept": float(np.abs(e[last]).max() / np.abs(e[first]).max()),
        "water_cells": int(water.sum()),
    }
    return run
