"""River what-ifs: a discharge change (factor, constant, hydrograph) and a flood wave."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import xarray as xr

from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif_core import RunSetup, WhatIf, quantity, seconds, set_fields

Discharge = float | xr.DataArray


def river_names(setup: RunSetup) -> list[str]:
    """Names of the ``river`` boundaries of a setup."""
    return [
        spec.get("name")
        for side in setup.boundaries.values()
        if isinstance(side, list)
        for spec in side
        if spec.get("type") == "river"
    ]


def with_river(
    setup: RunSetup, name: str, change: Callable[[Discharge], Discharge], what: str
) -> RunSetup:
    """The setup with river ``name``'s discharge (m³ s⁻¹) replaced by ``change(discharge)``."""
    if name not in river_names(setup):
        raise InputError(f"{what}: no river {name!r} in this run; rivers: {river_names(setup)}")
    boundaries = {}
    for side, spec in setup.boundaries.items():
        if isinstance(spec, list):
            spec = [
                {**r, "discharge": change(r["discharge"])} if r.get("name") == name else r
                for r in spec
            ]
        boundaries[side] = spec
    return setup.replace(boundaries=boundaries)


def series(times: np.ndarray, values: np.ndarray) -> xr.DataArray:
    """A discharge series (m³ s⁻¹) over ``time`` in seconds from the start."""
    return xr.DataArray(np.asarray(values, float), coords={"time": np.asarray(times, float)},
                        dims="time", attrs={"units": "m3 s-1"})  # fmt: skip


def at_times(discharge: Discharge, times: np.ndarray) -> np.ndarray:
    """A number or a series over ``time`` (s), sampled (linearly, held beyond its ends)."""
    if isinstance(discharge, xr.DataArray):
        t = np.asarray(discharge["time"].values, float)
        return np.interp(times, t, np.asarray(discharge.values, float))
    return np.full(np.shape(times), float(discharge))


@dataclasses.dataclass(frozen=True)
class RiverChange(WhatIf):
    """Change one river's discharge: multiply it, fix it, or replace it by a hydrograph.

    Parameters
    ----------
    river : name of a river boundary of the run (``garonne``, ``dordogne`` on the Gironde).
    factor : multiplies the discharge (≥ 0; 0.5 halves it).
    constant : a fixed discharge (m³ s⁻¹, ≥ 0).
    hydrograph : ``{time: [...], discharge: [...]}`` — times in s (or ``"6h"``) from the run's
        start, strictly increasing; discharges in m³ s⁻¹ (≥ 0), linear in between, held beyond.

    Exactly one of ``factor``, ``constant``, ``hydrograph`` is given.

    Examples
    --------
    >>> RiverChange("garonne", factor=0.5).to_dict()
    {'type': 'river_change', 'river': 'garonne', 'factor': 0.5}
    """

    type_name = "river_change"
    river: str
    factor: float | None = None
    constant: float | None = None
    hydrograph: Any = None

    def __post_init__(self):
        what = f"river_change {self.river!r}"
        if not isinstance(self.river, str) or not self.river:
            raise InputError(f"river_change: 'river' must be a river name, got {self.river!r}")
        given = [k for k in ("factor", "constant", "hydrograph") if getattr(self, k) is not None]
        if len(given) != 1:
            raise InputError(
                f"{what}: give exactly one of factor, constant, hydrograph; got {given or 'none'}"
            )
        if self.factor is not None:
            set_fields(self, factor=quantity(self.factor, f"{what}: factor", "1", minimum=0))
        if self.constant is not None:
            q = quantity(self.constant, f"{what}: constant", "discharge", minimum=0)
            set_fields(self, constant=q)
        if self.hydrograph is not None:
            set_fields(self, hydrograph=_hydrograph(self.hydrograph, f"{what}: hydrograph"))

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.hydrograph is not None:
            out["hydrograph"] = {"time": list(self.hydrograph[0]),
                                 "discharge": list(self.hydrograph[1])}  # fmt: skip
        return out

    def apply(self, setup: RunSetup) -> RunSetup:
        def change(q: Discharge) -> Discharge:
            if self.factor is not None:
                return q * self.factor
            if self.constant is not None:
                return self.constant
            return series(*self.hydrograph)

        return with_river(setup, self.river, change, f"river_change {self.river!r}")


def _hydrograph(value: Any, what: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    if isinstance(value, Mapping):
        if set(value) != {"time", "discharge"}:
            raise InputError(f"{what} needs exactly 'time' and 'discharge' lists, got {value!r}")
        times, flows = value["time"], value["discharge"]
    elif isinstance(value, tuple | list) and len(value) == 2:
        times, flows = value
    else:
        raise InputError(f"{what} must be {{time: [...], discharge: [...]}}, got {value!r}")
    if isinstance(times, str) or isinstance(flows, str) or len(times) != len(flows):
        raise InputError(f"{what}: 'time' and 'discharge' must be lists of the same length")
    if len(times) == 0:
        raise InputError(f"{what} is empty")
    t = tuple(seconds(v, f"{what}: time[{k}]") for k, v in enumerate(times))
    q = tuple(
        quantity(v, f"{what}: discharge[{k}]", "discharge", minimum=0) for k, v in enumerate(flows)
    )
    if any(b <= a for a, b in itertools.pairwise(t)):
        raise InputError(f"{what}: times must be strictly increasing, got {list(times)!r}")
    return t, q


@dataclasses.dataclass(frozen=True)
class FloodHydrograph(WhatIf):
    """A flood wave on a river: a gamma-shaped hydrograph added to its base flow.

    ``Q(t) = Q_b + (Q_p − Q_b) s(τ)`` with ``τ = (t − t_0)/t_p`` and
    ``s(τ) = τ^m e^{m(1−τ)}`` for ``τ > 0`` (0 before): ``s`` rises from 0 to 1 at the peak
    ``t_0 + t_p`` and decays; ``m`` is set so that ``s`` is 1 % at ``t_0 + duration``
    (the gamma / Nash unit-hydrograph shape, e.g. Rai, Sarkar & Dalal 2009, J. Earth Syst.
    Sci. 118:163). Written as a discharge series every ``t_p/24``.

    Parameters
    ----------
    river : name of a river boundary of the run.
    peak : peak discharge Q_p (m³ s⁻¹).
    time_to_peak : t_p, from the start of the rise to the peak (s or ``"1D"``).
    duration : from the start of the rise to where the excess is 1 % of the peak's (s),
        longer than ``time_to_peak``.
    base : base flow Q_b (m³ s⁻¹); default: the river's discharge in the run.
    start : t_0, when the rise starts, from the run's start (s; default 0).
    """

    type_name = "flood_hydrograph"
    river: str
    peak: float
    time_to_peak: float
    duration: float
    base: float | None = None
    start: float = 0.0

    def __post_init__(self):
        what = f"flood_hydrograph {self.river!r}"
        if not isinstance(self.river, str) or not self.river:
            raise InputError(f"flood_hydrograph: 'river' must be a river name, got {self.river!r}")
        peak = quantity(self.peak, f"{what}: peak", "discharge", minimum=0, strict=True)
        tp = seconds(self.time_to_peak, f"{what}: time_to_peak")
        td = seconds(self.duration, f"{what}: duration")
        if tp <= 0 or td <= tp:
            raise InputError(
                f"{what}: need 0 < time_to_peak < duration, got {self.time_to_peak!r}, "
                f"{self.duration!r}"
            )
        base = None
        if self.base is not None:
            base = quantity(self.base, f"{what}: base", "discharge", minimum=0)
            if base > peak:
                raise InputError(f"{what}: base {base:g} m3/s exceeds the peak {peak:g} m3/s")
        start = seconds(self.start, f"{what}: start")
        set_fields(self, peak=peak, time_to_peak=tp, duration=td, base=base, start=start)

    @property
    def shape_factor(self) -> float:
        """m such that the excess falls to 1 % of the peak's at ``duration``."""
        r = self.duration / self.time_to_peak
        return math.log(0.01) / (math.log(r) + 1.0 - r)

    def discharge(self, times: np.ndarray, base: np.ndarray | float) -> np.ndarray:
        """Q (m³ s⁻¹) at ``times`` (s from the run's start) over a base flow."""
        tau = np.maximum((np.asarray(times, float) - self.start) / self.time_to_peak, 0.0)
        m = self.shape_factor
        with np.errstate(divide="ignore"):
            shape = np.where(tau > 0, np.exp(m * (np.log(tau) + 1.0 - tau)), 0.0)
        base = np.asarray(base, float)
        return base + (self.peak - base) * shape

    def apply(self, setup: RunSetup) -> RunSetup:
        step = self.time_to_peak / 24.0
        wave = self.start + np.arange(0.0, self.duration + step / 2, step)
        times = np.unique(np.concatenate([[0.0], wave, [max(setup.duration, wave[-1])]]))

        def change(q: Discharge) -> Discharge:
            base = at_times(q, times) if self.base is None else self.base
            return series(times, self.discharge(times, base))

        return with_river(setup, self.river, change, f"flood_hydrograph {self.river!r}")
