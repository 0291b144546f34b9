"""Storms: the Holland parametric vortex, storm tracks, CF wind/pressure forcing on a domain's
grid, and the storm Xynthia surge case on the Bay of Biscay (``docs/storms.md``)."""

from twinbench.storms.forcing import (
    inverse_barometer,
    parse_storm,
    parse_track,
    storm_forcing,
    surface_stress,
    to_grid_axes,
)
from twinbench.storms.vortex import (
    Track,
    coriolis,
    gradient_wind,
    holland_pressure,
    holland_pressure_wind,
    phadke_inflow_angle,
)
from twinbench.storms.xynthia import OBSERVED_SURGE, XYNTHIA_TRACK, xynthia

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
    "to_grid_axes",
    "xynthia",
]
