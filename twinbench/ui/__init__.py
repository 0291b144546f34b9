"""Notebook workbench: the what-if scenario builder (:class:`ScenarioBuilder`), holoviews maps
with the offline coastline (:mod:`twinbench.ui.views`), gradient sensitivity maps and inverse
what-ifs (:mod:`twinbench.ui.gradients`). ipywidgets and holoviews are imported lazily."""

from twinbench.ui.builder import ScenarioBuilder
from twinbench.ui.engine import Settings, WhatIfEngine, what_ifs
from twinbench.ui.gradients import inverse_kelp, sensitivity

__all__ = ["ScenarioBuilder", "Settings", "WhatIfEngine", "inverse_kelp", "sensitivity", "what_ifs"]
