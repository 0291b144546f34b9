"""The scenario builder's maps, drawn once and then updated in place.

:func:`frames` reduces a baseline and a what-if run to what the builder shows, as float32
arrays: the what-if's field and the what-if − baseline difference over (time, y, x), NaN where
dry, and the water level at the gauges. :class:`LiveViews` draws them once as bokeh figures (the
what-if map, the difference map, the gauge series; the Histolitt coastline and its attribution
drawn offline) inside one panel pane. After that, :meth:`LiveViews.update` (a new run) and
:meth:`LiveViews.show` (another output time) only assign new arrays to the figures' data
sources and colour ranges: in a notebook, panel pushes just those (one map frame is
ny × nx float32, 34 kB on the coarse Gironde) instead of a new document carrying the
~8,000-point coastline twice.

Examples
--------
::

    live = LiveViews(frames(builder.base_run, builder.result, "eta"))
    live.pane                                              # display once (in Jupyter)
    live.update(frames(builder.base_run, new_result, "eta"))  # the display follows
    live.show(0)                                           # the first output time
"""

from __future__ import annotations

import dataclasses

import numpy as np
import xarray as xr

from twinbench.ui import views

WET_DEPTH = 1e-2  # m: shallower cells are drawn dry (blank), as in :mod:`twinbench.ui.views`
MAP_SIZE = (420, 460)  # px, width × height of each map
GAUGE_SIZE = (520, 300)  # px
STATION_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


@dataclasses.dataclass(frozen=True, eq=False)
class Frames:
    """What the builder's views draw of a baseline and a what-if run.

    Attributes
    ----------
    variable, units : the mapped variable (``"eta"`` m, ``"speed"`` m s⁻¹) and its units.
    hours : (nt,) output times in hours since the start.
    x_km, y_km : (nx,), (ny,) cell centres in Lambert-93 km.
    field : (nt, ny, nx) float32, the what-if's ``variable``, NaN where dry.
    change : (nt, ny, nx) float32, what-if − baseline, NaN where either is dry.
    stations : gauge names.
    gauges : (2, n_station, nt) float32 water level (m) at the gauges, baseline then what-if.
    """

    variable: str
    units: str
    hours: np.ndarray
    x_km: np.ndarray
    y_km: np.ndarray
    field: np.ndarray
    change: np.ndarray
    stations: tuple[str, ...]
    gauges: np.ndarray


def frames(baseline: xr.Dataset, result: xr.Dataset, variable: str = "eta") -> Frames:
    """The :class:`Frames` of a baseline and a what-if run of the same engine.

    Parameters
    ----------
    baseline, result : runs of :meth:`twinbench.ui.WhatIfEngine.run` (same grid and times).
    variable : ``"eta"`` (m) or ``"speed"`` (m s⁻¹).
    """
    if variable not in result or variable not in baseline:
        raise KeyError(f"the runs have no {variable!r}; they have {sorted(result.data_vars)}")
    if baseline.sizes != result.sizes:
        raise ValueError(f"the runs differ in size: {dict(baseline.sizes)} vs {dict(result.sizes)}")
    wet = result["h"].values > WET_DEPTH
    both = wet & (baseline["h"].values > WET_DEPTH)
    value = result[variable].values.astype(np.float32, copy=False)
    base = baseline[variable].values.astype(np.float32, copy=False)
    gauges = np.stack([baseline["station_eta"].values, result["station_eta"].values])
    return Frames(
        variable=variable,
        units=str(result[variable].attrs.get("units", "")),
        hours=views.hours_since_start(result),
        x_km=result["x"].values / 1000.0,
        y_km=result["y"].values / 1000.0,
        field=np.where(wet, value, np.float32(np.nan)),
        change=np.where(both, value - base, np.float32(np.nan)),
        stations=tuple(str(s) for s in result["station"].values),
        gauges=gauges.astype(np.float32, copy=False),
    )


def colour_range(values: np.ndarray, symmetric: bool = False) -> tuple[float, float]:
    """The finite range of ``values`` (± the largest magnitude when ``symmetric``); a flat or
    empty field gets a small range around its value so the colour bar stays valid."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (-1.0, 1.0)
    if symmetric:
        top = max(float(np.abs(finite).max()), 1e-6)
        return (-top, top)
    low, high = float(finite.min()), float(finite.max())
    if high - low < 1e-6:
        return (low - 1e-3, high + 1e-3)
    return (low, high)


def _bokeh():
    try:
        import bokeh  # noqa: F401
        import panel
    except ImportError:
        raise ImportError(
            "the builder's live maps need bokeh and panel: pip install 'twinbench[ui]'"
        ) from None
    return panel


class LiveViews:
    """The what-if map, the difference map and the gauge series, updated in place.

    Parameters
    ----------
    first : the :class:`Frames` shown first; later runs of the same variable, grid, times
        and gauges go through :meth:`update` (:meth:`accepts` tells).
    index : the output time shown (an index of ``first.hours``; default the last).

    Attributes
    ----------
    pane : the panel pane holding the three figures (display it once).
    sources : the bokeh data sources, ``"field"``, ``"change"`` (one image each) and
        ``"gauges"`` (columns ``hours``, ``baseline <station>``, ``what-if <station>``).
    mappers : the colour mappers of the two maps.
    """

    def __init__(self, first: Frames, index: int = -1):
        panel = _bokeh()
        from bokeh.layouts import gridplot
        from bokeh.models import ColumnDataSource

        self.current = first
        self.index = int(np.arange(first.hours.size)[index])
        self.sources = {
            "field": ColumnDataSource(self._image_data(first.field[self.index])),
            "change": ColumnDataSource(self._image_data(first.change[self.index])),
            "gauges": ColumnDataSource(self._gauge_data(first)),
        }
        rings = self._coastline(first)
        field_fig, field_map = self._map(
            "field", f"{first.variable} ({first.units})", "Viridis256", rings
        )
        change_fig, change_map = self._map(
            "change", f"change of {first.variable} ({first.units})", "RdBu11", rings, True
        )
        self.mappers = {"field": field_map, "change": change_map}
        self._set_ranges()
        self.figure = gridplot(
            [[field_fig, change_fig], [self._gauge_figure(first), None]],
            toolbar_location="right",
        )
        self.pane = panel.pane.Bokeh(self.figure)

    # -- updates ------------------------------------------------------------------------------
    @property
    def variable(self) -> str:
        """The mapped variable (``"eta"`` or ``"speed"``)."""
        return self.current.variable

    def accepts(self, new: Frames) -> bool:
        """Whether ``new`` can replace the current frames in place (same variable, grid,
        output times and gauges)."""
        old = self.current
        return (
            new.variable == old.variable
            and new.field.shape == old.field.shape
            and new.stations == old.stations
            and np.array_equal(new.hours, old.hours)
            and np.array_equal(new.x_km, old.x_km)
            and np.array_equal(new.y_km, old.y_km)
        )

    def update(self, new: Frames) -> None:
        """Show the frames of a new run: the same figures get the new arrays."""
        if not self.accepts(new):
            raise ValueError(
                f"frames of {new.variable!r} on {new.field.shape} cannot replace "
                f"{self.variable!r} on {self.current.field.shape} in place: build new views"
            )
        self.current = new
        self.sources["gauges"].data = self._gauge_data(new)
        self.show(self.index)

    def show(self, index: int) -> None:
        """Show output time ``index`` (of :attr:`Frames.hours`) on both maps."""
        self.index = int(np.arange(self.current.hours.size)[index])
        self.sources["field"].data = self._image_data(self.current.field[self.index])
        self.sources["change"].data = self._image_data(self.current.change[self.index])
        self._set_ranges()
        _bokeh().io.push_notebook(self.pane)

    # -- drawing ------------------------------------------------------------------------------
    def _image_data(self, values: np.ndarray) -> dict[str, list]:
        x, y = self.current.x_km, self.current.y_km
        dx = float(x[1] - x[0]) if x.size > 1 else 1.0
        dy = float(y[1] - y[0]) if y.size > 1 else 1.0
        return {
            "image": [values],
            "x": [float(x[0]) - dx / 2],
            "y": [float(y[0]) - dy / 2],
            "dw": [dx * x.size],
            "dh": [dy * y.size],
        }

    @staticmethod
    def _gauge_data(data: Frames) -> dict[str, np.ndarray]:
        columns = {"hours": data.hours.astype(np.float32)}
        for s, name in enumerate(data.stations):
            columns[f"baseline {name}"] = data.gauges[0, s]
            columns[f"what-if {name}"] = data.gauges[1, s]
        return columns

    def _set_ranges(self) -> None:
        for name, mapper in self.mappers.items():
            values = self.sources[name].data["image"][0]
            mapper.low, mapper.high = colour_range(values, symmetric=name == "change")

    @staticmethod
    def _coastline(data: Frames) -> tuple[list[np.ndarray], list[np.ndarray]]:
        x0, x1 = float(data.x_km.min()), float(data.x_km.max())
        y0, y1 = float(data.y_km.min()), float(data.y_km.max())
        inside = [
            r
            for r in views.coastline_km()
            if r[:, 0].max() >= x0
            and r[:, 0].min() <= x1
            and r[:, 1].max() >= y0
            and r[:, 1].min() <= y1
        ]
        return [r[:, 0] for r in inside], [r[:, 1] for r in inside]

    def _map(self, name: str, title: str, palette: str, rings, symmetric: bool = False):
        from bokeh.models import ColorBar, HoverTool, Label, LinearColorMapper
        from bokeh.palettes import RdBu11, Viridis256
        from bokeh.plotting import figure

        data = self.current
        colours = {"Viridis256": Viridis256, "RdBu11": tuple(reversed(RdBu11))}[palette]
        mapper = LinearColorMapper(palette=colours, nan_color=(0, 0, 0, 0))
        width, height = MAP_SIZE
        fig = figure(
            title=title,
            width=width,
            height=height,
            match_aspect=True,
            x_axis_label="x_km",
            y_axis_label="y_km",
            x_range=(float(data.x_km.min()), float(data.x_km.max())),
            y_range=(float(data.y_km.min()), float(data.y_km.max())),
            tools="pan,wheel_zoom,box_zoom,reset,save",
        )
        image = fig.image(
            image="image",
            x="x",
            y="y",
            dw="dw",
            dh="dh",
            source=self.sources[name],
            color_mapper=mapper,
        )
        tooltips = [("x, y (km)", "$x{0.0}, $y{0.0}"), (title, "@image{0.000}")]
        fig.add_tools(HoverTool(renderers=[image], tooltips=tooltips))
        fig.multi_line(xs=rings[0], ys=rings[1], line_color="black", line_width=0.8)
        fig.add_layout(ColorBar(color_mapper=mapper), "right")
        attribution = Label(
            x=float(data.x_km.max()),
            y=float(data.y_km.min()),
            text=views.ATTRIBUTION,
            text_align="right",
            text_baseline="bottom",
            text_font_size="8pt",
        )
        fig.add_layout(attribution)
        fig.css_classes = [f"tb-map-{name}"]
        return fig, mapper

    def _gauge_figure(self, data: Frames):
        from bokeh.models import Legend, LegendItem
        from bokeh.plotting import figure

        width, height = GAUGE_SIZE
        fig = figure(
            title="water level at the gauges (dashed: baseline)",
            width=width,
            height=height,
            x_axis_label="hours",
            y_axis_label="eta_m",
            tools="pan,wheel_zoom,box_zoom,reset,save,hover",
        )
        items = []
        for s, name in enumerate(data.stations):
            colour = STATION_COLOURS[s % len(STATION_COLOURS)]
            source = self.sources["gauges"]
            what_if = fig.line("hours", f"what-if {name}", source=source, color=colour)
            base = fig.line(
                "hours", f"baseline {name}", source=source, color=colour, line_dash="dashed"
            )
            items.append(LegendItem(label=name, renderers=[what_if, base]))
        fig.add_layout(Legend(items=items, click_policy="hide"), "right")
        return fig


__all__ = ["Frames", "LiveViews", "colour_range", "frames"]
