"""The what-if engine behind the scenario builder: one compiled program per grid, new slider
values only change traced leaves of ``Params`` and ``State``.

A :class:`Settings` record holds what the sliders show (river factors, sea-level rise, a
dredged depth, a kelp density, a uniform wind, spring or neap tides); :func:`what_ifs` turns it
into the what-if objects of :mod:`twinbench.scenarios.whatif`; :class:`WhatIfEngine` runs them.
The structure of the engine's inputs is kept the same for every setting: a storm (possibly
calm) is always applied, and a run without vegetation gets zero canopy drag fields, which add
exactly nothing to the friction coefficient. So moving any slider reuses the compiled program.

Examples
--------
>>> settings = Settings(garonne_factor=0.5, sea_level_rise=0.2)
>>> [w.type_name for w in what_ifs(settings)]
['river_change', 'river_change', 'sea_level_rise', 'storm']
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from twinbench import core, domains
from twinbench.api import Model, output_times
from twinbench.io.inputs import InputError, parse_seconds
from twinbench.scenarios import Scenario, load, model_for
from twinbench.scenarios.whatif import (
    Dredging,
    RiverChange,
    SeaLevelRise,
    Storm,
    Vegetation,
    WhatIf,
)

# Named shapes (lon, lat WGS84) the sliders act on.
CHANNELS: dict[str, list[list[float]]] = {
    # The navigation channel reach off Pauillac (docs/whatif.md's dredging example).
    "Pauillac reach": [[-0.80, 45.15], [-0.70, 45.15], [-0.70, 45.25], [-0.80, 45.25]],
    # The channel from Bec d'Ambès up the Garonne towards Bordeaux.
    "Garonne below Bordeaux": [[-0.62, 44.86], [-0.52, 44.86], [-0.52, 45.02], [-0.62, 45.02]],
}
VEGETATION_AREAS: dict[str, list[list[float]]] = {
    # The mouth between Royan and Pointe de Grave (Port-Bloc, Le Verdon).
    "Estuary mouth": [[-1.12, 45.52], [-1.00, 45.52], [-1.00, 45.62], [-1.12, 45.62]],
    # Flats of the lower estuary around Richard.
    "Richard flats": [[-1.00, 45.40], [-0.88, 45.40], [-0.88, 45.50], [-1.00, 45.50]],
    # Banks around Pauillac.
    "Pauillac banks": [[-0.82, 45.15], [-0.70, 45.15], [-0.70, 45.25], [-0.82, 45.25]],
}
# Start dates (UTC) in March 2024, a day or two after syzygy (spring) and quadrature (neap).
TIDES: dict[str, str] = {"spring": "2024-03-11T00:00", "neap": "2024-03-18T00:00"}
STEM_DIAMETER = 0.005  # m, kelp stipes / marsh stems
CANOPY_HEIGHT = 1.0  # m
CALM_PRESSURE = 1013.0  # hPa, uniform: no pressure gradient

# name: (minimum, maximum, units, what) — the sliders' bounds, checked for every run.
BOUNDS: dict[str, tuple[float, float, str, str]] = {
    "garonne_factor": (0.0, 3.0, "1", "Garonne discharge × factor"),
    "dordogne_factor": (0.0, 3.0, "1", "Dordogne discharge × factor"),
    "sea_level_rise": (0.0, 1.5, "m", "sea-level rise"),
    "dredge_depth": (0.0, 20.0, "m", "dredged depth below MSL (0: no dredging)"),
    "kelp_density": (0.0, 1000.0, "stems m-2", "stem density (0: no vegetation)"),
    "wind_speed": (0.0, 40.0, "m s-1", "uniform wind speed"),
    "wind_direction": (0.0, 360.0, "degrees", "direction the wind comes from"),
}


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the sliders of the scenario builder show; bounds in :data:`BOUNDS`.

    Parameters
    ----------
    garonne_factor, dordogne_factor : multiply each river's discharge (≥ 0).
    sea_level_rise : m added to the sea level.
    dredge_depth : m below mean sea level to which ``channel`` is deepened; 0 for none.
    channel : a name of :data:`CHANNELS`.
    kelp_density : stems per m² (diameter :data:`STEM_DIAMETER`) in ``vegetation_area``; 0 for
        none.
    vegetation_area : a name of :data:`VEGETATION_AREAS`.
    wind_speed : m s⁻¹ (uniform). wind_direction : degrees, where the wind comes from.
    tide : ``"spring"`` or ``"neap"`` (the start date, :data:`TIDES`).
    """

    garonne_factor: float = 1.0
    dordogne_factor: float = 1.0
    sea_level_rise: float = 0.0
    dredge_depth: float = 0.0
    channel: str = "Pauillac reach"
    kelp_density: float = 0.0
    vegetation_area: str = "Richard flats"
    wind_speed: float = 0.0
    wind_direction: float = 270.0
    tide: str = "spring"

    def __post_init__(self):
        for name, (low, high, units, what) in BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"{name} ({what}) must be a number, got {value!r}")
            if not (math.isfinite(value) and low <= value <= high):
                raise InputError(
                    f"{name} ({what}) must be within [{low:g}, {high:g}] {units}, got {value!r}"
                )
        for name, choices in (
            ("channel", CHANNELS),
            ("vegetation_area", VEGETATION_AREAS),
            ("tide", TIDES),
        ):
            if getattr(self, name) not in choices:
                raise InputError(
                    f"{name} must be one of {sorted(choices)}, got {getattr(self, name)!r}"
                )

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (checked again); unknown names raise InputError."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            known = [f.name for f in dataclasses.fields(self)]
            raise InputError(f"unknown setting(s) {sorted(unknown)}; settings: {known}")
        return dataclasses.replace(self, **changes)


def what_ifs(settings: Settings) -> tuple[WhatIf, ...]:
    """The what-if objects a setting stands for, in the order they are applied."""
    items: list[WhatIf] = [
        RiverChange("garonne", factor=float(settings.garonne_factor)),
        RiverChange("dordogne", factor=float(settings.dordogne_factor)),
    ]
    if settings.sea_level_rise > 0:
        items.append(SeaLevelRise(offset_m=float(settings.sea_level_rise)))
    if settings.dredge_depth > 0:
        items.append(
            Dredging(depth=float(settings.dredge_depth), polygon=CHANNELS[settings.channel])
        )
    if settings.kelp_density > 0:
        items.append(vegetation(settings.kelp_density, settings.vegetation_area))
    items.append(
        Storm(
            kind="uniform",
            wind_speed=float(settings.wind_speed),
            wind_direction=float(settings.wind_direction),
            pressure=CALM_PRESSURE,
        )
    )
    return tuple(items)


def vegetation(density: float, area: str) -> Vegetation:
    """Kelp/marsh stems of :data:`STEM_DIAMETER` and :data:`CANOPY_HEIGHT` in a named area."""
    return Vegetation(
        polygon=VEGETATION_AREAS[area],
        stem_density=float(density),
        stem_diameter=STEM_DIAMETER,
        height=CANOPY_HEIGHT,
    )


class WhatIfEngine:
    """Runs settings of one base scenario on one grid with one compiled program.

    Parameters
    ----------
    base : a scenario name, file or :class:`~twinbench.scenarios.Scenario` (``"gironde"``).
    resolution : the domain's resolution (``"coarse"`` = 1500 m).
    duration : run length (s or ``"3h"``). output_every : output interval (s or ``"30min"``).
    dtype : ``"float32"`` or ``"float64"``; default the scenario's.
    spin_up : s (or ``"1D"``) of baseline run before the window (0: every run starts from rest).

    With a spin-up, the window starts at the tide's date (:data:`TIDES`) from a hot start: the
    baseline is run once per tide for ``spin_up`` seconds before it (cached), and every run of
    settings starts from that state (:meth:`hot_start`), so the gauges show tides and not
    the start-up from rest, and a what-if acts from the start of the window.
    """

    def __init__(
        self,
        base: Any = "gironde",
        resolution: str = "coarse",
        duration: Any = "3h",
        output_every: Any = "30min",
        dtype: str | None = None,
        spin_up: Any = 0.0,
    ):
        scenario = base if isinstance(base, Scenario) else load(base)
        if scenario.domain.get("name") != "gironde":
            raise InputError(f"the builder needs a Gironde scenario, got {scenario.name!r}")
        seconds = parse_seconds(duration, "duration")
        every = parse_seconds(output_every, "output_every")
        if seconds <= 0 or every <= 0:
            raise InputError(
                f"duration and output_every must be > 0, got {duration!r}, {output_every!r}"
            )
        self.spin_up = parse_seconds(spin_up, "spin_up")
        if not (math.isfinite(self.spin_up) and self.spin_up >= 0):
            raise InputError(f"spin_up must be ≥ 0 s, got {spin_up!r}")
        self._spun: dict[str, tuple[core.State, Any]] = {}  # tide → (state, bed)
        self.base = scenario.replace(
            domain={**scenario.domain, "resolution": resolution},
            duration=self.spin_up + seconds,
            output_every=every,
            dtype=dtype or scenario.dtype,
            what_if=(),
        )
        self.times = output_times(seconds, every)
        # The reference structure: every leaf a slider may need, vegetation included.
        reference, domain = self.model(Settings(kelp_density=1.0), align=False)
        self.reference = reference.params
        names = [s for s in self.base.stations]
        positions = domains.stations.gironde_station_positions()
        lon, lat = zip(*(positions[s] for s in names), strict=True)
        self.stations = domains.locate_stations(domain, names, list(lon), list(lat))

    def scenario(self, settings: Settings) -> Scenario:
        """The base scenario with the settings' what-ifs; it starts ``spin_up`` s before the
        tide's date (:data:`TIDES`) and lasts ``spin_up`` + the window."""
        start = np.datetime64(TIDES[settings.tide]) - np.timedelta64(round(self.spin_up), "s")
        return self.base.replace(start=str(start)).with_what_if(*what_ifs(settings))

    def hot_start(self, settings: Settings, model: Model) -> core.State:
        """The state at the start of the window for ``settings``' model: the baseline's state
        after the spin-up (run once per tide) with the settings' changes to the water column.

        Where the baseline is wet the water level is kept and raised by the sea-level rise
        (a dredged cell gets a deeper column at the same level), discharges kept; cells dry in
        the baseline stay dry. Call under ``model.precision()``.
        """
        base = Settings(tide=settings.tide)
        if settings.tide not in self._spun:
            spun_model, _ = self.model(base)
            # Output times of the window's length, so this reuses the window's compiled program.
            times = np.linspace(0.0, self.spin_up, len(self.times))
            states, _, status = core.history(
                spun_model.state,
                spun_model.params,
                spun_model.grid,
                jnp.asarray(times, spun_model.dtype),
                10**7,
            )
            if int(status) != core.OK:
                raise InputError(f"spin-up: {core.failure(status, states.t, times)}")
            last = jax.tree.map(lambda a: a[-1], states)
            self._spun[settings.tide] = (last, spun_model.params.bed)
        spun, bed = self._spun[settings.tide]
        dry = model.params.dry_depth
        wet = spun.h > dry
        level = spun.h + bed + settings.sea_level_rise
        h = jnp.where(wet, jnp.maximum(level - model.params.bed, 0.0), 0.0)
        keep = wet & (h > dry)
        return core.State(
            h.astype(model.dtype),
            jnp.where(keep, spun.hu, 0.0).astype(model.dtype),
            jnp.where(keep, spun.hv, 0.0).astype(model.dtype),
            jnp.asarray(self.spin_up, model.dtype),
        )

    def model(self, settings: Settings, align: bool = True) -> tuple[Model, xr.Dataset]:
        """The engine's Model for settings (params aligned on the reference structure)."""
        model, domain = model_for(self.scenario(settings))
        if align:
            model.params = self.align(model.params)
        return model, domain

    def align(self, params: core.Params) -> core.Params:
        """Params with the reference's structure: absent canopy drag becomes zero fields."""
        if params.drag is None and self.reference.drag is not None:
            zeros = jax.tree.map(jnp.zeros_like, self.reference.drag)
            params = _with_drag(params, zeros)
        if jax.tree.structure(params) != jax.tree.structure(self.reference):
            raise InputError("these settings change the structure of the engine's inputs")
        return params

    def run(
        self, settings: Settings, progress: Callable[[float], None] | None = None
    ) -> xr.Dataset:
        """Run settings; return the fields ``eta``, ``speed`` over (time, y, x) and
        ``station_eta`` over (station, time), with the what-ifs in ``attrs["scenario"]``."""
        clock = time.perf_counter()
        model, _ = self.model(settings)
        if progress:
            progress(0.1)
        with model.precision():
            state = self.hot_start(settings, model) if self.spin_up > 0 else model.state
            states, steps, status = core.history(
                state,
                model.params,
                model.grid,
                jnp.asarray(self.spin_up + self.times, model.dtype),
                10**7,
            )
            states = jax.tree.map(np.asarray, states)
        if int(status) != core.OK:
            times = self.spin_up + self.times
            raise InputError(f"{core.failure(status, states.t, times)} with {settings}")
        if progress:
            progress(0.9)
        scenario = self.scenario(settings)
        config = json.dumps(
            {"scenario": scenario.document, "duration": scenario.duration}, default=str
        )
        out = model.to_dataset(
            self.spin_up + self.times,
            states,
            config,
            time.perf_counter() - clock,
            int(np.sum(np.asarray(steps))),
        )
        wet = out["h"] > model.physics["dry_depth"]
        out["speed"] = np.hypot(out["u"], out["v"]).where(wet)
        out["speed"].attrs = {"long_name": "current speed", "units": "m s-1"}
        j = xr.DataArray(self.stations["j"].to_numpy(int), dims="station")
        i = xr.DataArray(self.stations["i"].to_numpy(int), dims="station")
        x, y = out["eta"].dims[2], out["eta"].dims[1]
        out["station_eta"] = (
            out["eta"]
            .isel({y: j, x: i})
            .drop_vars([c for c in out["eta"].coords if c != "time"], errors="ignore")
            .transpose()
        )
        out = out.assign_coords(station=self.stations.index.to_numpy(str))
        out.attrs["scenario"] = json.dumps(scenario.document, default=str)
        out.attrs["settings"] = json.dumps(dataclasses.asdict(settings))
        out.attrs["spin_up_s"] = self.spin_up  # baseline run before the window (hot start)
        if progress:
            progress(1.0)
        return out


def _with_drag(params: core.Params, drag: Any) -> core.Params:
    import equinox as eqx

    return eqx.tree_at(lambda p: p.drag, params, drag, is_leaf=lambda x: x is None)


__all__ = [
    "BOUNDS",
    "CHANNELS",
    "TIDES",
    "VEGETATION_AREAS",
    "Settings",
    "WhatIfEngine",
    "vegetation",
    "what_ifs",
]
