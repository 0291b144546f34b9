"""Model against observations: tidal skill at gauges (more metrics come with the data issue)."""

from twinbench.analysis.compare import Comparison, compare
from twinbench.analysis.salinity import salt_intrusion
from twinbench.analysis.skill import plot_skill, skill_table, tidal_skill

__all__ = ["Comparison", "compare", "plot_skill", "salt_intrusion", "skill_table", "tidal_skill"]
