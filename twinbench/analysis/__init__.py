"""Model against observations: series statistics, station matching, harmonic comparison,
satellite fields, reports; tidal skill at gauges; what-if comparisons."""

from twinbench.analysis.compare import Comparison, compare
from twinbench.analysis.matching import match_stations, station_table
from twinbench.analysis.report import Report, read_observations, report, ticon_observations
from twinbench.analysis.salinity import salt_intrusion
from twinbench.analysis.satellite import convert_concentration, field_skill, regrid_to_model
from twinbench.analysis.skill import plot_skill, skill_table, tidal_skill
from twinbench.analysis.stats import align, harmonic_comparison, series_skill, skill_scores

__all__ = [
    "Comparison",
    "Report",
    "align",
    "compare",
    "convert_concentration",
    "field_skill",
    "harmonic_comparison",
    "match_stations",
    "plot_skill",
    "read_observations",
    "regrid_to_model",
    "report",
    "salt_intrusion",
    "series_skill",
    "skill_scores",
    "skill_table",
    "station_table",
    "ticon_observations",
    "tidal_skill",
]
