"""Tides: constituents, astronomical arguments, nodal corrections, prediction, analysis.

Conventions are Foreman's (1977/2004) as implemented by t_tide and UTide: Greenwich phase lags
in degrees referred to UTC, nodal/satellite corrections f, u evaluated at every time.
See ``docs/tides.md``.
"""

from .analysis import analyse
from .astronomy import astronomical_arguments, astronomical_variables, nodal_corrections
from .constituents import ALIASES, CONSTITUENTS, Constituent, canonical_name, constituent_table
from .predict import predict
from .ticon import ticon, ticon_stations

__all__ = [
    "ALIASES",
    "CONSTITUENTS",
    "Constituent",
    "analyse",
    "astronomical_arguments",
    "astronomical_variables",
    "canonical_name",
    "constituent_table",
    "nodal_corrections",
    "predict",
    "ticon",
    "ticon_stations",
]
