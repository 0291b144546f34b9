"""What-ifs as data: small immutable objects that change a run's inputs, composed as a list.

Each kind is a frozen dataclass with a YAML form ``{type: ..., ...}`` (``to_dict`` /
``WhatIf.from_dict`` round-trip) and an ``apply(setup)`` that returns a new
:class:`RunSetup` — the domain (depth, initial level), the physics (drag fields), the
boundaries (rivers, sea level) or the surface forcing, and nothing else:

=====================  =================================================================
``river_change``       :class:`RiverChange` — a river's discharge × factor, constant or series
``flood_hydrograph``   :class:`FloodHydrograph` — a gamma-shaped flood wave on a river
``sea_level_rise``     :class:`SeaLevelRise` — an offset, or an IPCC AR6 median
``dredging``           :class:`Dredging` — deepen or fill a polygon or a channel line
``bridge``             :class:`Bridge` — piers along a line: drag and blockage
``vegetation``         :class:`Vegetation` — marsh or kelp stems in a polygon: canopy drag
``storm``              :class:`Storm` — uniform wind and pressure, or a Holland vortex
``nested_surge``       :class:`NestedSurge` — a larger domain's surge on the open boundaries
=====================  =================================================================

See ``docs/whatif.md`` for the physics and the YAML forms.

Examples
--------
>>> items = [RiverChange("garonne", factor=0.5), SeaLevelRise(offset_m=0.2)]
>>> [WhatIf.from_dict(w.to_dict()) == w for w in items]
[True, True]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from twinbench.io.inputs import InputError
from twinbench.scenarios.rivers import FloodHydrograph, RiverChange
from twinbench.scenarios.sea import AR6_GMSL_MEDIANS, NestedSurge, SeaLevelRise, Storm
from twinbench.scenarios.weather import Weather, WindScale
from twinbench.scenarios.whatif_core import RunSetup, WhatIf, known_kinds
from twinbench.scenarios.works import Bridge, Dredging, Vegetation


def parse_what_ifs(items: Any, where: str = "what_if") -> tuple[WhatIf, ...]:
    """A ``what_if:`` list of mappings (or WhatIf objects) → a tuple of what-ifs, in order."""
    if items is None:
        return ()
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InputError(f"{where} must be a list of {{type: ..., ...}} items, got {items!r}")
    return tuple(
        item if isinstance(item, WhatIf) else WhatIf.from_dict(item, f"{where}[{k}]")
        for k, item in enumerate(items)
    )


def apply_all(items: Iterable[WhatIf], setup: RunSetup) -> RunSetup:
    """Apply what-ifs in order (each sees the setup the previous ones made)."""
    for item in items:
        setup = item.apply(setup)
    return setup


__all__ = [
    "AR6_GMSL_MEDIANS",
    "Bridge",
    "Dredging",
    "FloodHydrograph",
    "NestedSurge",
    "RiverChange",
    "RunSetup",
    "SeaLevelRise",
    "Storm",
    "Vegetation",
    "Weather",
    "WhatIf",
    "WindScale",
    "apply_all",
    "known_kinds",
    "parse_what_ifs",
]
