"""The dashboard as a person uses it, in Chromium: predict and launch a 1-hour coarse Gironde
run, watch it complete in the run table, open it, see its preview, download its NetCDF; a bad
upload is refused in the page; after a server restart the run is still listed."""

from __future__ import annotations

import re

import numpy as np
import xarray as xr
from playwright.sync_api import expect


def test_launch_watch_open_download_and_restart(dashboard, page, tmp_path, artefacts):
    root = tmp_path / "runs"
    server = dashboard(root)
    page.goto(server.url)
    expect(page.locator(".tb-cluster")).to_contain_text("1 worker(s)", timeout=90_000)

    # A discharge NetCDF without CF discharge metadata is refused, with the reason.
    bad = tmp_path / "garonne.nc"
    xr.Dataset(
        {"flow": ("time", np.array([600.0, 700.0]))},
        coords={"time": np.array(["2024-03-01", "2024-03-02"], dtype="datetime64[ns]")},
    ).to_netcdf(bad)
    page.locator(".bk-input[type=file]").nth(2).set_input_files(str(bad))
    message = page.locator(".tb-message")
    expect(message).to_contain_text("upload refused", timeout=20_000)
    expect(message).to_contain_text("standard_name")

    page.get_by_label("Duration (e.g. 2h, 3D)").fill("1h")
    page.get_by_label("Duration (e.g. 2h, 3D)").press("Enter")
    page.get_by_role("button", name="Predict compute time").click()
    expect(page.locator(".tb-prediction")).to_contain_text(
        re.compile(r"Predicted: ~[\d.]+ s"), timeout=120_000
    )
    page.get_by_role("button", name="Launch").click()
    expect(message).to_contain_text("submitted gironde-", timeout=20_000)

    row = page.locator(".tabulator-row").filter(has_text="gironde").first
    expect(row).to_contain_text("completed", timeout=120_000)
    run_id = row.locator("[tabulator-field=id]").inner_text().strip()
    row.click()
    expect(page.locator(".tb-run-title")).to_contain_text(f"{run_id}: completed")
    page.locator(".bk-tab", has_text="Log").click()
    expect(page.locator(".tb-log")).to_contain_text("completed:")
    page.locator(".bk-tab", has_text="Results").click()
    # The plot itself, not only the pane: bokeh draws into canvases once the figure is laid out.
    expect(page.locator(".tb-preview canvas").first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(artefacts / "dashboard.png"), full_page=True)

    with page.expect_download(timeout=60_000) as caught:
        page.get_by_role("button", name="Download NetCDF").click()
    download = tmp_path / caught.value.suggested_filename
    caught.value.save_as(download)
    with xr.open_dataset(download) as result:
        standard_names = {v.attrs.get("standard_name") for v in result.data_vars.values()}
        assert "sea_surface_height_above_geoid" in standard_names
        assert result.sizes["time"] == 2
        assert np.isfinite(result["eta"].values).any()
        assert "Pauillac" in result["station_name"].values.astype(str)

    # The skill against the tide gauges, on demand: a one-hour run is too short for a table, so
    # the section must say why, naming the gauges (a longer run shows the table: unit-tested).
    page.locator(".tb-skill button").click()
    expect(page.locator(".tb-skill-report")).to_contain_text("Pauillac", timeout=60_000)

    # History lives in the run index: a new server on the same root lists the run.
    server.stop()
    again = dashboard(root)
    page.goto(again.url)
    listed = page.locator(".tabulator-row").filter(has_text=run_id)
    expect(listed).to_contain_text("completed", timeout=30_000)
