"""Storms: the Holland parametric vortex, storm tracks, CF wind/pressure forcing on a domain's
grid, the storm Xynthia surge case on the Bay of Biscay, and one-way nesting of its surge into
the Gironde twin (``docs/storms.md``)."""

from twinbench.storms.forcing import (
    inverse_barometer,
    parse_storm,
    parse_track,
    storm_forcing,
    surface_stress,
    to_grid_axes,
)
from twinbench.storms.nesting import surge_along
from twinbench.storms.vortex import (
    Track,
    coriolis,
    gradient_wind,
    holland_pressure,
    holland_pressure_wind,
    phadke_inflow_angle,
)
from twinbench.storms.xynthia import OBSERVED_SURGE, XYNTHIA_TRACK, xynthia, xynthia_gironde

__all__ = [
    "OBSERVED_SURGE",
    "XYNTHIA_TRACK",
    "Track",
    "coriolis",
    "gradient_wind",
    "holland_pressure",
    "holland_pressure_wind",
    "inverse_barometer",
    "parse_storm",
    "parse_track",
    "phadke_inflow_angle",
    "storm_forcing",
    "surface_stress",
    "surge_along",
    "to_grid_axes",
    "xynthia",
    "xynthia_gironde",
]
