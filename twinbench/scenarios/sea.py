"""Sea and sky what-ifs: a sea-level rise (an offset, or an IPCC AR6 projection) and a storm."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif_core import (
    RunSetup,
    WhatIf,
    plain,
    quantity,
    seconds,
    set_fields,
)

#: Global mean sea-level rise (m), median of the medium-confidence projections relative to
#: 1995–2014, by (SSP, year): IPCC AR6 WG1 (Fox-Kemper et al. 2021, Ch. 9, Table 9.9; SPM
#: B.5.3). Checked against the chapter's text: 2050 is 0.19 m under SSP1-2.6 and 0.23 m under
#: SSP5-8.5; the 2100 likely range under SSP5-8.5 is 0.63–1.01 m. The other medians are from
#: Table 9.9 [AR6 Table 9.9, to verify].
AR6_GMSL_MEDIANS: dict[str, dict[int, float]] = {
    "SSP1-2.6": {2050: 0.19, 2100: 0.44},
    "SSP2-4.5": {2050: 0.20, 2100: 0.56},
    "SSP5-8.5": {2050: 0.23, 2100: 0.77},
}


@dataclasses.dataclass(frozen=True)
class SeaLevelRise(WhatIf):
    """Raise the sea by an offset (m): the initial water level, the tide's mean level and any
    imposed sea level go up by it; rivers keep their discharges.

    The datum stays today's mean sea level, so the water levels of the run compare directly
    with a baseline's (it is the same as deepening every cell by the offset and measuring from
    the new mean). Land stays land unless it lies less than the offset above the datum.

    Parameters
    ----------
    offset_m : the rise (m, ≥ 0, at most 5); or
    year, pathway : an IPCC AR6 median from :data:`AR6_GMSL_MEDIANS` (2050 or 2100;
        ``"SSP1-2.6"``, ``"SSP2-4.5"``, ``"SSP5-8.5"``).

    Examples
    --------
    >>> SeaLevelRise(year=2100, pathway="SSP5-8.5").offset
    0.77
    """

    type_name = "sea_level_rise"
    offset_m: float | None = None
    year: int | None = None
    pathway: str | None = None

    def __post_init__(self):
        if (self.offset_m is None) == (self.year is None and self.pathway is None):
            raise InputError(
                "sea_level_rise: give either offset_m, or year and pathway "
                f"(AR6 medians for {sorted(AR6_GMSL_MEDIANS)} in 2050, 2100)"
            )
        if self.offset_m is not None:
            what = "sea_level_rise: offset_m"
            set_fields(self, offset_m=quantity(self.offset_m, what, "length", minimum=0, maximum=5))
            return
        pathways = {p.lower().replace("-", "").replace(".", ""): p for p in AR6_GMSL_MEDIANS}
        key = str(self.pathway).lower().replace("-", "").replace(".", "")
        if self.pathway is None or key not in pathways:
            raise InputError(
                f"sea_level_rise: pathway must be one of {sorted(AR6_GMSL_MEDIANS)}, "
                f"got {self.pathway!r}"
            )
        pathway = pathways[key]
        if self.year not in AR6_GMSL_MEDIANS[pathway] or isinstance(self.year, bool):
            raise InputError(
                f"sea_level_rise: year must be one of {sorted(AR6_GMSL_MEDIANS[pathway])}, "
                f"got {self.year!r}"
            )
        set_fields(self, pathway=pathway, year=int(self.year))

    @property
    def offset(self) -> float:
        """The rise (m)."""
        if self.offset_m is not None:
            return self.offset_m
        return AR6_GMSL_MEDIANS[self.pathway][self.year]

    def apply(self, setup: RunSetup) -> RunSetup:
        rise = self.offset
        domain = setup.domain
        eta = cf.find(domain, "eta")
        if eta is None:
            depth = cf.find(domain, "depth")
            domain = domain.assign(
                eta=xr.full_like(depth, rise, dtype=float).assign_attrs(cf.attrs("eta"))
            )
        else:
            domain = domain.assign({eta.name: (eta + rise).assign_attrs(eta.attrs)})
        boundaries = {}
        for side, spec in setup.boundaries.items():
            if isinstance(spec, dict) and spec.get("type") == "tide":
                spec = {**spec, "mean": spec.get("mean", 0.0) + rise}
            elif isinstance(spec, dict) and spec.get("type") == "level":
                spec = {**spec, "value": spec["value"] + rise}
            boundaries[side] = spec
        return setup.replace(domain=domain, boundaries=boundaries)


@dataclasses.dataclass(frozen=True)
class Storm(WhatIf):
    """A storm's wind and sea-level pressure as the run's surface forcing.

    The fields are the spec of :func:`twinbench.storms.storm_forcing`: ``kind: uniform`` with
    ``wind_speed`` (m s⁻¹), ``wind_direction`` (degrees, where the wind comes from) and
    ``pressure`` (hPa); or ``kind: holland`` with a ``track`` of
    ``[time_iso, lon, lat, central_pressure_hPa, rmax_km]`` rows, ``B`` and
    ``ambient_pressure`` (hPa) — Holland (1980, Mon. Wea. Rev. 108:1212). ``ramp``,
    ``inflow_angle`` and ``surface_factor`` are passed on. The forcing is sampled every
    ``every`` seconds over the run.
    """

    type_name = "storm"
    kind: str = "uniform"
    wind_speed: float | None = None
    wind_direction: float | None = None
    pressure: float | None = None
    track: Any = None
    B: float | None = None
    ambient_pressure: float | None = None
    ramp: float | None = None
    inflow_angle: float | None = None
    surface_factor: float | None = None
    every: float = 900.0

    def __post_init__(self):
        from twinbench.storms import parse_storm

        if self.track is not None:
            rows = self.track
            if isinstance(rows, str) or not all(isinstance(r, list | tuple) for r in rows):
                raise InputError(f"storm: 'track' must be a list of rows, got {rows!r}")
            set_fields(self, track=tuple(tuple(plain(r)) for r in rows))
        every = seconds(self.every, "storm: every")
        if every <= 0:
            raise InputError(f"storm: 'every' must be > 0 s, got {self.every!r}")
        set_fields(self, every=every)
        try:
            parse_storm(self.spec)
        except InputError as err:
            raise InputError(f"storm: {err}") from None

    @property
    def spec(self) -> dict[str, Any]:
        """The spec of :func:`twinbench.storms.storm_forcing`."""
        out: dict[str, Any] = {"kind": self.kind}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name not in ("kind", "every") and value is not None:
                out[f.name] = [list(r) for r in value] if f.name == "track" else value
        return out

    def apply(self, setup: RunSetup) -> RunSetup:
        from twinbench.storms import storm_forcing

        if setup.forcing is not None:
            raise InputError("storm: the run already has a surface forcing (one storm per run)")
        if setup.start is None:
            raise InputError("storm: the run needs a start date and time")
        times = np.append(np.arange(0.0, setup.duration, self.every), setup.duration)
        forcing = storm_forcing(setup.domain, times, setup.start, self.spec)
        return setup.replace(forcing=forcing)


@dataclasses.dataclass(frozen=True)
class NestedSurge(WhatIf):
    """A larger domain's storm surge on the open tidal boundaries: one-way nesting.

    ``source`` is a NetCDF file (or zarr store) of a parent run holding ``variable`` (default
    ``surge``: the residual tide + storm minus tide, m) over ``(time, y, x)`` with UTC
    ``time`` and 2-D ``lon``/``lat`` — e.g. what :func:`twinbench.storms.xynthia` returns for
    the Bay of Biscay. It is interpolated along each open ``tide`` side of this run
    (:func:`twinbench.storms.nesting.surge_along`) and added to the side's mean level; the
    run keeps its own tide. Pair it with the same ``storm`` over this domain.
    """

    type_name = "nested_surge"
    source: str = ""
    variable: str = "surge"

    def __post_init__(self):
        if not isinstance(self.source, str) or not self.source:
            raise InputError(
                "nested_surge: 'source' must be the path of a parent run's file, got "
                f"{self.source!r}"
            )
        if not isinstance(self.variable, str) or not self.variable:
            raise InputError(f"nested_surge: 'variable' must be a name, got {self.variable!r}")

    def surge(self) -> xr.DataArray:
        """The parent's surge field, read from ``source``."""
        from pathlib import Path

        path = Path(self.source).expanduser()
        if not path.exists():
            raise InputError(f"nested_surge: no parent run at {str(path)!r}")
        opener = xr.open_zarr if path.is_dir() or path.suffix == ".zarr" else xr.open_dataset
        try:
            with opener(path) as ds:
                if self.variable not in ds:
                    raise InputError(
                        f"nested_surge: {str(path)!r} has no variable {self.variable!r}; it has "
                        f"{sorted(ds.data_vars)}"
                    )
                return ds[self.variable].load()
        except (OSError, ValueError) as err:
            raise InputError(f"nested_surge: cannot read {str(path)!r}: {err}") from None

    def apply(self, setup: RunSetup) -> RunSetup:
        return apply_surge(setup, self.surge(), "nested_surge")


def apply_surge(setup: RunSetup, surge: xr.DataArray, what: str = "nested surge") -> RunSetup:
    """``setup`` with a parent's ``surge`` field added to the mean of every open tide side."""
    from twinbench.storms.nesting import add_to_mean, surge_along

    if setup.start is None:
        raise InputError(f"{what}: the run needs a start date and time")
    end = np.datetime64(setup.start) + np.timedelta64(int(np.ceil(setup.duration)), "s")
    boundaries, nested = {}, 0
    for side, spec in setup.boundaries.items():
        if isinstance(spec, dict) and spec.get("type") == "tide":
            series = surge_along(surge, setup.domain, side, setup.start, end)
            spec = {**spec, "mean": add_to_mean(spec.get("mean", 0.0), series)}
            nested += 1
        boundaries[side] = spec
    if not nested:
        raise InputError(f"{what}: the run has no open tide boundary to carry the surge")
    return setup.replace(boundaries=boundaries)
