"""The builder's maps are drawn once and updated in place: a second Run compiles nothing, the
same bokeh data sources get the new arrays, and a notebook receives only those arrays."""

from __future__ import annotations

import logging

import jax
import numpy as np
import pytest
from bokeh.document import Document
from bokeh.models import ColumnDataSource, LinearColorMapper
from panel.io.model import add_to_doc, diff

from twinbench.ui import ScenarioBuilder
from twinbench.ui.live import LiveViews, colour_range, frames
from twinbench.ui.views import ATTRIBUTION


@pytest.fixture(scope="module")
def builder():
    built = ScenarioBuilder(duration="20min", output_every="10min", spin_up=0)
    built.widget  # noqa: B018 - builds the sliders, the Run button and the map output
    built.button.click()
    return built


def _wet(ds, variable, k=-1):
    return ds[variable].isel(time=k).where(ds["h"].isel(time=k) > 1e-2).values


def test_second_run_redraws_the_same_figures_without_compiling(builder, caplog):
    live = builder.live
    sources = dict(live.sources)
    pane = live.pane
    builder.controls["sea_level_rise"].value = 0.4
    builder.controls["garonne_factor"].value = 2.0
    caplog.set_level(logging.WARNING)
    with jax.log_compiles():
        builder.button.click()
    assert [r.getMessage() for r in caplog.records if "Compiling" in r.getMessage()] == []
    assert builder.live is live and live.pane is pane
    assert all(live.sources[name] is source for name, source in sources.items())
    np.testing.assert_array_equal(
        live.sources["field"].data["image"][0], _wet(builder.result, "eta"), strict=False
    )
    change = live.sources["change"].data["image"][0]
    expected = _wet(builder.result, "eta") - builder.base_run["eta"].isel(time=-1).values
    wet = np.isfinite(change)
    assert wet.sum() > 100
    np.testing.assert_allclose(change[wet], expected[wet], atol=1e-5)
    np.testing.assert_allclose(
        live.sources["gauges"].data["what-if Port-Bloc"],
        builder.result["station_eta"].sel(station="Port-Bloc").values,
    )
    assert live.mappers["field"].high == pytest.approx(
        float(np.nanmax(_wet(builder.result, "eta")))
    )
    assert builder.status.value.startswith(f"run {builder.runs}: ran in ")


def test_a_notebook_receives_only_the_new_arrays(builder):
    live = builder.live
    doc = Document()
    doc.hold("combine")  # as a notebook display does: changes wait for the next push
    add_to_doc(live.pane.get_root(doc), doc)
    assert ATTRIBUTION in str(doc.to_json())  # the first display sends the whole document
    diff(doc)
    builder.set(sea_level_rise=0.8)
    builder.run()
    builder.redraw()
    patch = diff(doc)
    sent = len(patch.content_json) + sum(len(buffer.to_bytes()) for buffer in patch.buffers)
    assert ATTRIBUTION not in patch.content_json  # no figure, label or coastline resent
    ny, nx = builder.result["eta"].shape[1:]
    assert 2 * ny * nx * 4 <= sent < 2 * ny * nx * 4 + 20_000
    patched = {str(event["model"]["id"]) for event in patch.content["events"]}
    expected = {live.sources[n].id for n in live.sources} | {m.id for m in live.mappers.values()}
    assert patched and patched <= expected


def test_time_slider_shows_another_output_time(builder):
    builder.hours.value = 0
    np.testing.assert_array_equal(
        builder.live.sources["field"].data["image"][0], _wet(builder.result, "eta", 0)
    )
    builder.hours.value = len(builder.hours.options) - 1


def test_map_variable_change_builds_new_views(builder):
    old = builder.live
    builder.variable.value = "speed"
    builder.button.click()
    assert builder.live is not old and builder.live.variable == "speed"
    np.testing.assert_array_equal(
        builder.live.sources["field"].data["image"][0], _wet(builder.result, "speed")
    )
    with pytest.raises(ValueError, match=r"'eta' on .* cannot replace 'speed'"):
        builder.live.update(frames(builder.base_run, builder.result, "eta"))
    builder.variable.value = "eta"


def test_widgets_carry_stable_css_classes(builder):
    classes = {name: control._dom_classes for name, control in builder.controls.items()}
    assert "tb-slider-sea_level" not in classes["sea_level_rise"]
    assert "tb-slider-sea_level_rise" in classes["sea_level_rise"]
    assert "tb-slider-kelp_density" in classes["kelp_density"]
    assert "tb-choice-tide" in classes["tide"]
    assert "tb-run" in builder.button._dom_classes
    assert "tb-status" in builder.status._dom_classes
    assert "tb-map" in builder.output._dom_classes
    assert "tb-hours" in builder.hours._dom_classes


def test_frames_and_bad_requests(builder):
    shown = frames(builder.base_run, builder.result, "eta")
    assert shown.field.dtype == np.float32 and shown.change.dtype == np.float32
    np.testing.assert_allclose(shown.hours, [0.0, 1 / 6, 1 / 3], atol=1e-3)
    assert shown.gauges.shape == (2, len(shown.stations), 3)
    with pytest.raises(KeyError, match="the runs have no 'salinity'"):
        frames(builder.base_run, builder.result, "salinity")
    with pytest.raises(ValueError, match="the runs differ in size"):
        frames(builder.base_run.isel(time=slice(0, 2)), builder.result, "eta")
    live = LiveViews(shown, index=0)
    assert isinstance(live.sources["field"], ColumnDataSource)
    assert isinstance(live.mappers["change"], LinearColorMapper)
    assert live.mappers["change"].low == -live.mappers["change"].high
    assert colour_range(np.full((2, 2), np.nan)) == (-1.0, 1.0)
    assert colour_range(np.array([0.5, 0.5])) == pytest.approx((0.499, 0.501))
