"""Notebook workbench: the what-if scenario builder (:class:`ScenarioBuilder`) with maps drawn
once and updated in place (:class:`LiveViews`), holoviews maps with the offline coastline
(:mod:`twinbench.ui.views`), gradient sensitivity maps and inverse what-ifs
(:mod:`twinbench.ui.gradients`). ipywidgets and holoviews are imported lazily."""

from twinbench.ui.builder import ScenarioBuilder
from twinbench.ui.engine import Settings, WhatIfEngine, what_ifs
from twinbench.ui.gradients import inverse_kelp, sensitivity
from twinbench.ui.live import LiveViews

__all__ = [
    "LiveViews",
    "ScenarioBuilder",
    "Settings",
    "WhatIfEngine",
    "inverse_kelp",
    "sensitivity",
    "what_ifs",
]
