"""Domains as CF datasets: analytic basins, the Gironde estuary, the Bay of Biscay, and a
domain anywhere from a bounding box."""

from twinbench.domains.basins import channel, dam_break, tidal_basin
from twinbench.domains.bbox import domain_stations, from_bathymetry, from_bbox
from twinbench.domains.biscay import biscay, biscay_stations
from twinbench.domains.gironde import gironde, gironde_rivers, river_boundary
from twinbench.domains.stations import gironde_stations, locate_stations

__all__ = [
    "biscay",
    "biscay_stations",
    "channel",
    "dam_break",
    "domain_stations",
    "from_bathymetry",
    "from_bbox",
    "gironde",
    "gironde_rivers",
    "gironde_stations",
    "locate_stations",
    "river_boundary",
    "tidal_basin",
]
