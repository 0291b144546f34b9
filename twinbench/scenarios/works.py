"""What-ifs on the bed and in the water column: dredging, bridge piers, vegetation and kelp.

Shapes are given in lon/lat (WGS84) and projected with the domain's CRS, or in the domain's
x/y metres (``crs: xy``); a cell takes a shape's effect in proportion to the fraction of its
area the shape covers (:mod:`.geometry`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import InputError
from twinbench.scenarios import geometry
from twinbench.scenarios.whatif_core import (
    RunSetup,
    WhatIf,
    choice,
    points,
    quantity,
    set_fields,
)


def _grid_field(value: Any, domain: xr.Dataset, default: float) -> np.ndarray:
    """A physics field (absent, number, DataArray over (y, x) or array) as ``(ny, nx)``."""
    y_name, x_name, y, x = geometry.axes(domain)
    if value is None:
        return np.full((y.size, x.size), default)
    if isinstance(value, xr.DataArray):
        return np.asarray(value.transpose(y_name, x_name).values, float)
    return np.broadcast_to(np.asarray(value, float), (y.size, x.size)).copy()


def _as_data_array(values: np.ndarray, domain: xr.Dataset, units: str, long_name: str):
    y_name, x_name, _, _ = geometry.axes(domain)
    return xr.DataArray(values, dims=(y_name, x_name), attrs={"units": units,
                                                              "long_name": long_name})  # fmt: skip


def _with_drag(setup: RunSetup, part: str, entries: dict[str, xr.DataArray]) -> RunSetup:
    physics = dict(setup.physics)
    drag = dict(physics.get("drag") or {})
    drag[part] = {**(drag.get(part) or {}), **entries}
    physics["drag"] = drag
    return setup.replace(physics=physics)


@dataclasses.dataclass(frozen=True)
class Dredging(WhatIf):
    """Set the bed to ``depth`` m below mean sea level in a polygon or along a channel.

    ``mode: deepen`` lowers the bed only where it is shallower than ``depth`` (a dredged
    channel, excavation of land included); ``mode: fill`` raises it only where it is deeper
    (a negative ``depth`` makes land). A cell partly covered by the shape moves by the covered
    fraction of the change (the dredged or filled volume is kept on the cell).

    Parameters
    ----------
    polygon : ``[[lon, lat], ...]`` (≥ 3 points); or
    line, width : a channel's centre line (≥ 2 points) and its width (m).
    depth : target depth below mean sea level (m, or ``"12 m"``).
    mode : ``"deepen"`` (default) or ``"fill"``.
    crs : ``"lonlat"`` (default, WGS84) or ``"xy"`` (the domain's metres).
    """

    type_name = "dredging"
    depth: float
    polygon: Any = None
    line: Any = None
    width: float | None = None
    mode: str = "deepen"
    crs: str = "lonlat"

    def __post_init__(self):
        if (self.polygon is None) == (self.line is None):
            raise InputError("dredging: give either a polygon, or a line with a width")
        if self.polygon is not None and self.width is not None:
            raise InputError("dredging: 'width' goes with a line, not with a polygon")
        values = {
            "depth": quantity(self.depth, "dredging: depth", "length"),
            "mode": choice(self.mode, "dredging: mode", ("deepen", "fill")),
        }
        if self.polygon is not None:
            values["polygon"] = points(self.polygon, "dredging: polygon", self.crs, 3)
        else:
            if self.width is None:
                raise InputError("dredging: a line needs a 'width' (m)")
            values["line"] = points(self.line, "dredging: line", self.crs, 2)
            values["width"] = quantity(self.width, "dredging: width", "length", minimum=0,
                                       strict=True)  # fmt: skip
        set_fields(self, **values)

    def fraction(self, domain: xr.Dataset) -> np.ndarray:
        """Area fraction of each cell the dredged shape covers, ``(ny, nx)``."""
        shape = self.polygon if self.polygon is not None else self.line
        xy = geometry.to_grid(domain, np.asarray(shape, float), self.crs, "dredging")
        if self.polygon is not None:
            return geometry.polygon_fraction(domain, xy)
        return geometry.band_fraction(domain, xy, self.width)

    def apply(self, setup: RunSetup) -> RunSetup:
        domain = setup.domain
        f = self.fraction(domain)
        if not f.any():
            raise InputError("dredging: the shape covers no cell of the domain")
        depth_var = cf.find(domain, "depth")
        y_name, x_name, _, _ = geometry.axes(domain)
        depth = np.asarray(depth_var.transpose(y_name, x_name).values, float)
        change = self.depth - depth
        change = np.maximum(change, 0) if self.mode == "deepen" else np.minimum(change, 0)
        new = (depth + f * change).astype(depth_var.dtype)
        updated = xr.DataArray(new, dims=(y_name, x_name), attrs=depth_var.attrs)
        domain = domain.assign({depth_var.name: updated.transpose(*depth_var.dims)})
        if "land_mask" in domain:
            mask = (domain[depth_var.name] <= 0).astype(domain["land_mask"].dtype)
            domain["land_mask"] = mask.assign_attrs(domain["land_mask"].attrs)
        return setup.replace(domain=domain)


@dataclasses.dataclass(frozen=True)
class Bridge(WhatIf):
    """Bridge piers along a line: quadratic form drag plus blockage, in the cells it crosses.

    A pier of diameter D in water h takes ``F = ½ ρ C_D D h |U_p| U_p``. The piers block a
    fraction ``D/s`` of the section (s the spacing), so the flow between them is faster,
    ``U_p = U/(1 − D/s)`` by continuity: the blockage raises the drag by ``1/(1 − D/s)²``.
    A cell crossed by a length L of the line holds ``L/s`` piers; per unit area A and water
    density the momentum sink is ``c_p h |U| U`` with

        c_p = ½ C_D (D/s) (L/A) / (1 − D/s)²    (m⁻¹)

    (the engine's ``physics["drag"]["piers"]["coefficient"]``; piers add up).

    Parameters
    ----------
    line : ``[[lon, lat], [lon, lat], ...]`` (≥ 2 points) along the bridge.
    pier_diameter : D (m). pier_spacing : s (m, centre to centre, > D).
    drag_coefficient : C_D of one pier (1.0: a smooth cylinder at high Reynolds number;
        ~1.2–2 for square or pile-group piers).
    crs : ``"lonlat"`` (default) or ``"xy"``.
    """

    type_name = "bridge"
    line: Any
    pier_diameter: float
    pier_spacing: float
    drag_coefficient: float = 1.0
    crs: str = "lonlat"

    def __post_init__(self):
        d = quantity(self.pier_diameter, "bridge: pier_diameter", "length", minimum=0, strict=True)
        s = quantity(self.pier_spacing, "bridge: pier_spacing", "length", minimum=0, strict=True)
        if d >= s:
            raise InputError(f"bridge: pier_spacing ({s:g} m) must exceed pier_diameter ({d:g} m)")
        cd = quantity(self.drag_coefficient, "bridge: drag_coefficient", "1", minimum=0,
                      strict=True, maximum=10)  # fmt: skip
        line = points(self.line, "bridge: line", self.crs, 2)
        set_fields(self, line=line, pier_diameter=d, pier_spacing=s, drag_coefficient=cd)

    def coefficient(self, domain: xr.Dataset) -> np.ndarray:
        """c_p (m⁻¹) of each cell, ``(ny, nx)``."""
        xy = geometry.to_grid(domain, np.asarray(self.line, float), self.crs, "bridge")
        length = geometry.length_per_cell(domain, xy)
        _, _, y, x = geometry.axes(domain)
        dx = float(x[1] - x[0]) if x.size > 1 else float(y[1] - y[0])
        dy = float(y[1] - y[0]) if y.size > 1 else dx
        blocked = self.pier_diameter / self.pier_spacing
        return 0.5 * self.drag_coefficient * blocked * length / (dx * dy) / (1 - blocked) ** 2

    def apply(self, setup: RunSetup) -> RunSetup:
        c = self.coefficient(setup.domain)
        if not c.any():
            raise InputError("bridge: the line crosses no cell of the domain")
        drag = (setup.physics.get("drag") or {}).get("piers") or {}
        total = _grid_field(drag.get("coefficient"), setup.domain, 0.0) + c
        field = _as_data_array(total, setup.domain, "m-1", "pier drag coefficient")
        return _with_drag(setup, "piers", {"coefficient": field})


@dataclasses.dataclass(frozen=True)
class Vegetation(WhatIf):
    """A field of stems — salt marsh, seagrass, kelp — in a polygon: a depth-dependent drag.

    The canopy's drag per unit area and density is ``½ C_D a min(h, h_v) |U| U`` with the
    frontal area per unit volume ``a = n d`` (m⁻¹; n stems m⁻², diameter d): the stems act over
    the whole column when emergent (h < h_v), over their height when submerged (Nepf 1999,
    Water Resour. Res. 35(2):479; the drag term of Baptist et al. 2007, J. Hydraul. Res.
    45(4):435, without their log-layer correction above a submerged canopy). A cell partly
    covered takes ``a`` times the covered fraction; a later field replaces an earlier one
    where they overlap.

    Parameters
    ----------
    polygon : ``[[lon, lat], ...]`` (≥ 3 points).
    stem_density : n (stems m⁻²). stem_diameter : d (m, or ``"1 cm"``).
    height : h_v, the canopy height above the bed (m).
    drag_coefficient : C_D of a stem (default 1.0, a rigid cylinder; Nepf 1999).
    crs : ``"lonlat"`` (default) or ``"xy"``.
    """

    type_name = "vegetation"
    polygon: Any
    stem_density: float
    stem_diameter: float
    height: float
    drag_coefficient: float = 1.0
    crs: str = "lonlat"

    def __post_init__(self):
        positive = {"minimum": 0, "strict": True}
        set_fields(
            self,
            polygon=points(self.polygon, "vegetation: polygon", self.crs, 3),
            stem_density=quantity(self.stem_density, "vegetation: stem_density", "per_area",
                                  **positive),
            stem_diameter=quantity(self.stem_diameter, "vegetation: stem_diameter", "length",
                                   **positive, maximum=5.0),
            height=quantity(self.height, "vegetation: height", "length", **positive),
            drag_coefficient=quantity(self.drag_coefficient, "vegetation: drag_coefficient",
                                      "1", **positive, maximum=10),
        )  # fmt: skip

    @property
    def frontal_area(self) -> float:
        """a = n d (m⁻¹)."""
        return self.stem_density * self.stem_diameter

    def apply(self, setup: RunSetup) -> RunSetup:
        domain = setup.domain
        xy = geometry.to_grid(domain, np.asarray(self.polygon, float), self.crs, "vegetation")
        f = geometry.polygon_fraction(domain, xy)
        if not f.any():
            raise InputError("vegetation: the polygon covers no cell of the domain")
        canopy = (setup.physics.get("drag") or {}).get("canopy") or {}
        a = _grid_field(canopy.get("frontal_area"), domain, 0.0)
        hv = _grid_field(canopy.get("height"), domain, 1.0)
        cd = _grid_field(canopy.get("drag_coefficient"), domain, 1.0)
        inside = f > 0
        a = a * (1 - f) + f * self.frontal_area
        hv[inside], cd[inside] = self.height, self.drag_coefficient
        return _with_drag(setup, "canopy", {
            "frontal_area": _as_data_array(a, domain, "m-1", "canopy frontal area per volume"),
            "height": _as_data_array(hv, domain, "m", "canopy height"),
            "drag_coefficient": _as_data_array(cd, domain, "1", "stem drag coefficient"),
        })  # fmt: skip
