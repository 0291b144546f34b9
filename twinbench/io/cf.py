"""The CF registry: one table of internal names → standard_name, units, long_name.

It drives both input discovery (variables are found by ``standard_name``, never by name) and
the attributes of every output variable. A quantity the CF standard-name table does not have
(the conveyance of a dual porosity) is found by the attribute ``twinbench_role`` instead,
whose value is the registry's internal name.
"""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

#: The attribute that identifies an input with no CF standard name (value: the internal name).
ROLE = "twinbench_role"


@dataclass(frozen=True)
class CFVariable:
    """How one quantity is named and measured in CF terms (``standard_name`` ``None``: none
    exists, the variable carries ``twinbench_role`` instead)."""

    standard_name: str | None
    units: str
    long_name: str


REGISTRY: dict[str, CFVariable] = {
    "x": CFVariable("projection_x_coordinate", "m", "x of cell centres"),
    "y": CFVariable("projection_y_coordinate", "m", "y of cell centres"),
    "depth": CFVariable(
        "sea_floor_depth_below_geoid", "m", "bed depth below datum (positive down)"
    ),
    "eta": CFVariable("sea_surface_height_above_geoid", "m", "free-surface elevation above datum"),
    "h": CFVariable("sea_floor_depth_below_sea_surface", "m", "water column thickness"),
    "u": CFVariable("sea_water_x_velocity", "m s-1", "depth-averaged x velocity"),
    "v": CFVariable("sea_water_y_velocity", "m s-1", "depth-averaged y velocity"),
    "porosity": CFVariable(
        "sea_area_fraction", "1", "fraction of the cell's area that holds water (porosity)"
    ),
    "conveyance": CFVariable(
        None,
        "1",
        "conveyance porosity: fraction of the cell's width open to flow across its faces",
    ),
    "wind_x": CFVariable("x_wind", "m s-1", "10 m wind, x component"),
    "wind_y": CFVariable("y_wind", "m s-1", "10 m wind, y component"),
    "stress_x": CFVariable("surface_downward_x_stress", "Pa", "surface stress, x component"),
    "stress_y": CFVariable("surface_downward_y_stress", "Pa", "surface stress, y component"),
    "pressure": CFVariable("air_pressure_at_mean_sea_level", "Pa", "air pressure at sea level"),
    "salinity": CFVariable("sea_water_salinity", "1e-3", "depth-averaged salinity (g/kg)"),
    "suspended_sediment": CFVariable(
        "mass_concentration_of_suspended_matter_in_sea_water",
        "kg m-3",
        "depth-averaged suspended sediment concentration",
    ),
}

# Spellings of the same unit that users write (UDUNITS accepts all of them).
UNIT_ALIASES: dict[str, set[str]] = {
    "m": {"m", "meter", "meters", "metre", "metres"},
    "m s-1": {"m s-1", "m/s", "m s^-1", "m.s-1", "meter second-1", "m s**-1"},
    "Pa": {"Pa", "pascal", "pascals"},
}


def attrs(name: str) -> dict[str, str]:
    """CF attributes of an internal variable name."""
    var = REGISTRY[name]
    key = {"standard_name": var.standard_name} if var.standard_name else {ROLE: name}
    return {**key, "units": var.units, "long_name": var.long_name}


def label(name: str) -> str:
    """How an input is identified, for error messages: its standard name or its role."""
    sn = REGISTRY[name].standard_name
    return repr(sn) if sn else f"{ROLE} {name!r}"


def find(ds: xr.Dataset, name: str) -> xr.DataArray | None:
    """The one variable or coordinate of ``ds`` whose ``standard_name`` matches ``name``.

    Returns ``None`` when absent; raises ``ValueError`` when several match or the units are not
    the registry's.
    """
    wanted = REGISTRY[name]
    key, value = ("standard_name", wanted.standard_name) if wanted.standard_name else (ROLE, name)
    hits = [k for k, v in ds.variables.items() if v.attrs.get(key) == value]
    if not hits:
        return None
    if len(hits) > 1:
        raise ValueError(
            f"several variables have {key} {value!r}: {sorted(map(str, hits))}; keep exactly one"
        )
    da = ds[hits[0]]
    units = da.attrs.get("units")
    if units is not None and str(units).strip() not in UNIT_ALIASES.get(
        wanted.units, {wanted.units}
    ):
        raise ValueError(
            f"variable {hits[0]!r} ({value}) must be in {wanted.units!r}, got units {units!r}"
        )
    return da
