"""The Gironde domain: geometry against the published facts, CF attributes, stations, errors,
and a coarse tide that reaches Bordeaux."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from scipy import ndimage

import twinbench
from twinbench import tides
from twinbench.domains import gironde, gironde_rivers, gironde_stations, locate_stations
from twinbench.domains.gironde import (
    DEFAULT_DEPTHS,
    GARONNE_MOUTH,
    THALWEG,
    _land_rings,
    _project,
    _rasterize_even_odd,
    polyline_distance,
    transformer,
)

FOUR = ndimage.generate_binary_structure(2, 1)  # 4-connectivity: no diagonal-only links


@pytest.fixture(scope="module")
def study() -> xr.Dataset:
    return gironde("default")


@pytest.fixture(scope="module")
def coarse() -> xr.Dataset:
    return gironde("coarse")


def _wet(ds):
    return ds["depth"].values > 0


def _sea_connected(ds):
    labels, _ = ndimage.label(_wet(ds), structure=FOUR)
    return np.isin(labels, np.unique(labels[:, 0][labels[:, 0] > 0]))


def _cell(ds, lon, lat):
    x, y = transformer().transform(lon, lat)
    return int(np.abs(ds.y.values - y).argmin()), int(np.abs(ds.x.values - x).argmin())


def test_cf_attributes(study):
    depth = study["depth"]
    assert depth.attrs["standard_name"] == "sea_floor_depth_below_geoid"
    assert depth.attrs["units"] == "m"
    assert depth.attrs["grid_mapping"] == "crs"
    assert set(depth.attrs["coordinates"].split()) == {"lon", "lat"}
    assert study["x"].attrs["standard_name"] == "projection_x_coordinate"
    assert study["y"].attrs["standard_name"] == "projection_y_coordinate"
    assert study["lon"].attrs["units"] == "degrees_east"
    assert study["lat"].attrs["standard_name"] == "latitude"
    crs = study["crs"].attrs
    assert crs["grid_mapping_name"] == "lambert_conformal_conic"
    assert crs["epsg_code"] == "EPSG:2154" and "RGF93" in crs["crs_wkt"]
    assert study.attrs["open_boundaries"] == "west"
    assert "© IGN-Shom 2009" in study.attrs["acknowledgement"]
    for key in ("source", "references", "license"):
        assert study.attrs[key]
    assert np.isfinite(depth).all()
    assert (depth.values[~_wet(study)] == -10.0).all()  # land is high ground


def test_resolutions_and_cell_counts():
    sizes = {name: dict(gironde(name).sizes) for name in ("coarse", "default")}
    assert sizes["coarse"] == {"y": 98, "x": 86}
    assert sizes["default"] == {"y": 294, "x": 258}
    assert dict(gironde(500.0).sizes) == sizes["default"]
    fine = gironde("fine", depths={"estuary_flats": 5.5})  # a new argument set: a real build
    assert dict(fine.sizes) == {"y": 588, "x": 516}


def test_cached_but_fresh_copies():
    a = gironde("coarse")
    a["depth"][:] = 0.0
    assert (gironde("coarse")["depth"].values != 0).any()


def test_lonlat_round_trip_below_one_metre(study):
    x, y = transformer().transform(study["lon"].values, study["lat"].values)
    X, Y = np.meshgrid(study.x.values, study.y.values)
    assert np.hypot(x - X, y - Y).max() < 1.0


def test_mask_agrees_with_histolitt(study):
    land = _rasterize_even_odd(
        _land_rings(), float(study.x[0]), float(study.y[0]), 500.0, study["depth"].shape
    )
    lon, lat = study["lon"].values, study["lat"].values
    covered = (lon < 0.04) & (lat > 44.46)  # Histolitt's box (its rivers stop at Bègles/Libourne)
    agree = (land == ~_wet(study))[covered].mean()
    assert agree > 0.95, agree


@pytest.mark.parametrize(
    ("lat", "low", "high"),
    [(45.50, 9e3, 13e3), (45.45, 9e3, 13e3), (45.30, 3.5e3, 7e3), (45.10, 2e3, 4e3)],
)
def test_estuary_width(study, lat, low, high):
    # Width across the estuary: wet cells (east of the Médoc) along the row nearest to lat,
    # times the spacing, projected on the normal to the estuary axis (≈ 35° from the row).
    j, _ = _cell(study, -0.8, lat)
    lon_row = study["lon"].values[j]
    row = _wet(study)[j] & (lon_row > -1.0) & (lon_row < -0.5)
    width = row.sum() * 500.0 * np.cos(np.radians(35))
    assert low <= width <= high, width


def test_entrance_channel_depth(study):
    # The Passe de l'Ouest off Pointe de Grave: 13.7 m below chart datum = 17 m below MSL.
    j, i = _cell(study, -1.15, 45.593)
    assert 15.0 <= study["depth"].values[j - 1 : j + 2, i].max() <= 17.5


def test_thalweg_length_mouth_to_bec_dambes():
    line = _project(np.asarray(THALWEG))
    mouth = np.argmin(np.abs(np.asarray(THALWEG)[:, 0] + 1.10))  # off Pointe de Grave
    length = np.hypot(*np.diff(line[mouth:], axis=0).T).sum()
    assert 65e3 <= length <= 85e3, length


def test_stations_on_sea_connected_wet_cells(study):
    stations = gironde_stations("default")
    assert {"Port-Bloc", "Royan", "Pauillac", "Pauillac-Trompeloup", "Bordeaux"} <= set(
        stations.index
    )
    assert list(stations.columns[:6]) == ["lon", "lat", "x", "y", "i", "j"]
    ticon = json.loads(
        (Path(tides.__file__).parent / "data/ticon4/bordeaux-196-fra-refmar.json").read_text()
    )
    assert stations.loc["Bordeaux", "lat"] == ticon["latitude"]
    connected = _sea_connected(study)
    for name, row in stations.iterrows():
        assert connected[int(row.j), int(row.i)], name
        assert row.distance_m < 1000.0, name


@pytest.mark.parametrize("resolution", ["coarse", "default", "fine"])
def test_rivers_connected_from_the_sea_to_their_heads(resolution):
    ds = gironde(resolution)
    connected = _sea_connected(ds)
    rivers = gironde_rivers(resolution)
    for name, town in (("garonne", (-0.037, 44.58)), ("dordogne", (0.07, 44.825))):
        rows = rivers[name]["rows"]
        assert rivers[name]["side"] == "east"
        assert connected[rows, -1].all() and rows.stop > rows.start, name
        assert ds["depth"].values[rows, -1].min() > 2.0
        j, i = _cell(ds, *town)  # the head of the tide, within a cell or two of the river
        near = connected[max(j - 2, 0) : j + 3, max(i - 2, 0) : i + 3]
        assert near.any(), name
    assert not connected[:, -1][
        np.setdiff1d(
            np.arange(ds.sizes["y"]), np.r_[rivers["garonne"]["rows"], rivers["dordogne"]["rows"]]
        )
    ].any()


@pytest.mark.parametrize(
    ("resolution", "message"),
    [(0, "positive"), (-250.0, "positive"), ("medium", "medium"), (float("nan"), "positive")],
)
def test_bad_resolution(resolution, message):
    with pytest.raises(ValueError, match=message):
        gironde(resolution)


def test_bad_depths():
    with pytest.raises(ValueError, match="channel_depth"):
        gironde("coarse", depths={"channel_depth": 12.0})
    with pytest.raises(ValueError, match="garonne"):
        gironde("coarse", depths={"garonne": -3.0})


def test_station_errors(coarse):
    with pytest.raises(ValueError, match=r"Saint-Émilion.*on land"):
        locate_stations(coarse, ["Saint-Émilion"], [-0.155], [44.894])
    with pytest.raises(ValueError, match=r"Brest.*outside the domain"):
        locate_stations(coarse, ["Brest"], [-4.495], [48.383])
    good = locate_stations(coarse, ["mouth"], [-1.05], [45.59])
    assert coarse["depth"].values[good.loc["mouth", "j"], good.loc["mouth", "i"]] > 0


def test_coarse_m2_tide_reaches_bordeaux(coarse):
    """One M2 cycle from rest at low water (−1.5 m everywhere, the boundary rising as
    −1.5 cos ωt): the flood must travel up the estuary and the Garonne and lift Bordeaux by
    more than 1 m; the run stays finite and its volume follows the inflow."""
    period = 44714.0  # M2, s
    t = np.arange(0.0, period + 601.0, 600.0)
    level = xr.DataArray(-1.5 * np.cos(2 * np.pi * t / period), dims="time", coords={"time": t})
    depth = coarse["depth"]
    start = coarse.assign(
        eta=xr.where(depth > 0, np.maximum(-1.5, -depth), -depth).assign_attrs(
            standard_name="sea_surface_height_above_geoid", units="m"
        )
    )
    out = twinbench.simulate(
        start,
        period,
        output_every=900.0,
        physics={"friction": {"law": "manning", "coefficient": 0.02}},
        boundaries={"west": {"type": "level", "value": level}},
    )
    assert np.isfinite(out["h"]).all() and np.isfinite(out["u"]).all()
    # Mass: the volume change is the inflow through the west side (cell-centre fluxes, so a
    # few per cent); north, south and east are walls.
    volume = out["h"].sum(("x", "y")).values * 1500.0**2
    flux = (out["h"] * out["u"]).isel(x=0).sum("y").values * 1500.0
    inflow = np.concatenate([[0.0], np.cumsum(0.5 * (flux[1:] + flux[:-1]) * np.diff(out.time))])
    change = volume - volume[0]
    assert np.abs(change - inflow).max() < 0.05 * np.abs(change).max()
    stations = gironde_stations("coarse")
    j, i = stations.loc["Bordeaux", ["j", "i"]]
    eta = out["eta"].isel(x=int(i), y=int(j)).values
    assert eta.max() - eta.min() > 1.0


def test_porosity_gives_the_rivers_their_width(coarse):
    """At 1 500 m the Garonne at Bordeaux (400–500 m wide, facts sheet) is one cell whose
    porosity (sea_area_fraction) opens about its width; land is closed, open sea fully open."""
    phi = coarse["porosity"]
    assert phi.attrs["standard_name"] == "sea_area_fraction"
    wet = _wet(coarse)
    assert float(phi.where(~wet).max()) == 0.0
    assert float(phi.where(wet).min()) > 0.0 and float(phi.max()) == 1.0
    row = gironde_stations("coarse").loc["Bordeaux"]
    cell = dict(y=int(row["j"]), x=int(row["i"]))
    # Storage b/(λΔ) and conveyance λb/Δ: their geometric mean is the width b.
    width = float(np.sqrt(phi.isel(cell) * coarse["conveyance"].isel(cell))) * 1500.0
    assert 350.0 <= width <= 700.0, width
    # The rivers' cells open a small part of the cell; the shelf is open.
    zones = coarse["friction_zone"].attrs["flag_meanings"].split()
    garonne = coarse["friction_zone"] == zones.index("garonne")
    assert float(phi.where(garonne).median()) < 0.4
    shelf = coarse["friction_zone"] == zones.index("shelf")
    assert float(phi.where(shelf).median()) == 1.0


@pytest.mark.parametrize("resolution", ["coarse", "default"])
def test_dual_porosity_of_the_staircase_rivers(resolution):
    """River cells narrower than a cell: conveyance ψ = λ² φ with λ = |cos θ| + |sin θ| of the
    river's heading, in [1, √2]; a river m = λb/Δ > 1 paths wide (b/Δ = λφ) ψ = λ^(2/m) φ,
    at most √2; elsewhere ψ = φ. Their storage Σ φ Δ² is the river water of the sub-grid within
    7 % (measured 0.94 at 1 500 m, 1.04 at 500 m; the single porosity stored 1.38× and
    1.32×)."""
    ds = gironde(resolution)
    phi, psi = ds["porosity"].values, ds["conveyance"].values
    lam = ds["path_factor"].values
    assert ds["conveyance"].attrs["twinbench_role"] == "conveyance"
    zones = ds["friction_zone"].attrs["flag_meanings"].split()
    river = ds["friction_zone"].values >= zones.index("garonne")
    corrected = lam > 1.0
    assert corrected.any() and not (corrected & ~river).any()
    assert lam.min() >= 1.0 and lam.max() <= np.sqrt(2.0) + 1e-12
    np.testing.assert_array_equal(psi[~corrected], phi[~corrected])
    narrow = corrected & (psi < 1.0)
    np.testing.assert_allclose(psi[narrow] / phi[narrow], lam[narrow] ** 2, rtol=1e-12)
    wide = corrected & (psi >= 1.0)
    assert wide.any()  # both grids have rivers more than one path wide
    known = wide & (phi < 1.0)  # b/Δ = λφ known: m = λ²φ paths
    paths = phi[known] * lam[known] ** 2
    ratio = psi[known] / phi[known]
    np.testing.assert_allclose(ratio, lam[known] ** (2.0 / paths), rtol=1e-12)
    assert psi.max() <= np.sqrt(2.0) + 1e-12
    assert (psi[wide] / phi[wide] <= lam[wide] ** 2 * (1.0 + 1e-12)).all()
    assert (psi >= phi).all()
    storage = phi[river].sum() / ds["water_fraction"].values[river].sum()
    assert abs(storage - 1.0) < 0.07, storage


@pytest.mark.parametrize("resolution", [500.0, 250.0])
def test_the_garonne_keeps_its_depth_through_the_confluence(resolution):
    """The thalweg's end and the Garonne's first vertex both mark the Bec d'Ambès tip, so the
    water between the estuary's channel and the Garonne's took the banks' shore ramp: 1.9 and
    4.9 m cells across the Garonne's mouth at 500 m, where its M2 fell 0.25 m in one cell.
    Along GARONNE_MOUTH the cells are now at least 5 m deep and mostly the river's 7 m."""
    ds = gironde(resolution)
    x, y = np.meshgrid(ds.x.values, ds.y.values)
    distance, _ = polyline_distance(x, y, _project(np.asarray(GARONNE_MOUTH)))
    on_line = (distance <= 0.5 * resolution) & (ds.depth.values > 0)
    depths = ds.depth.values[on_line]
    assert on_line.sum() >= 5  # not vacuous: the line crosses water
    assert depths.min() >= 5.0, np.sort(depths)
    assert np.median(depths) >= DEFAULT_DEPTHS["garonne"]


EYRAC = (-1.16355, 44.665001)  # Arcachon-Eyrac, TICON-4 (CC-BY-4.0)


@pytest.mark.parametrize("resolution", ["coarse", "default"])
def test_the_arcachon_lagoon_opens_on_request(resolution):
    closed, opened = gironde(resolution), gironde(resolution, lagoon=True)
    spacing = float(opened.attrs["resolution_m"])
    names = opened["friction_zone"].attrs["flag_meanings"].split()
    assert names[-1] == "lagoon" and "lagoon" not in closed["friction_zone"].attrs["flag_meanings"]
    lagoon = opened["friction_zone"].values == names.index("lagoon")
    # its water at high water (Histolitt's coastline is the highest-tide line): 156-174 km²
    # (Plus et al. 2009); cells of its passes add a little
    area = float((opened["water_fraction"].values * lagoon).sum()) * spacing**2 / 1e6
    assert 140 < area < 200, area
    assert _sea_connected(opened)[lagoon].all()
    # wide water, not a river's staircase: storage and faces are its water fraction
    for field in ("porosity", "conveyance"):
        np.testing.assert_array_equal(
            opened[field].values[lagoon], opened["water_fraction"].values[lagoon]
        )
    assert (opened["path_factor"].values[lagoon] == 1.0).all()
    # land when closed, but for the channel's passes out at sea
    assert (~_wet(closed)[lagoon]).mean() > 0.8
    # the Eyrac gauge sits in the lagoon's channel, and on land when the lagoon is closed
    st = locate_stations(opened, ["Arcachon"], [EYRAC[0]], [EYRAC[1]])
    j, i = int(st["j"].iloc[0]), int(st["i"].iloc[0])
    assert lagoon[j, i] and opened["depth"].values[j, i] > DEFAULT_DEPTHS["lagoon_flats"]
    with pytest.raises(ValueError, match=r"Arcachon.*on land"):
        locate_stations(closed, ["Arcachon"], [EYRAC[0]], [EYRAC[1]])
    # nothing moves away from the lagoon and its inlet
    changed = (closed["depth"].values != opened["depth"].values) & ~lagoon
    inlet = _cell(opened, -1.25, 44.60)
    jj, ii = np.nonzero(changed)
    assert (np.hypot(jj - inlet[0], ii - inlet[1]) * spacing < 10e3).all()
    with pytest.raises(ValueError, match="lagoon"):
        gironde("coarse", lagoon="yes")


def test_the_lagoon_tide_at_eyrac():
    """Five days of the coarse baseline with the lagoon open: M2 at Arcachon-Eyrac against
    TICON-4's prediction analysed the same way (its channel and passes were fitted to it on
    this grid: 1.000x, +5.9 degrees); the gauges of the estuary barely move (the lagoon is
    70 km south of the mouth)."""
    from twinbench import scenarios
    from twinbench.analysis.skill import tidal_skill
    from twinbench.storms.xynthia import LAGOON_MANNING

    base = scenarios.load("gironde")
    friction = dict(base.physics["friction"])
    friction["coefficient"] = {**friction["coefficient"], "lagoon": LAGOON_MANNING}
    names = ["Port-Bloc", "Pauillac", "Arcachon"]
    runs = {}
    for lagoon in (False, True):
        scenario = base.replace(
            domain={**base.domain, "lagoon": lagoon},
            physics={**base.physics, "friction": friction} if lagoon else base.physics,
            fields=False,
            stations=names if lagoon else names[:2],
        )
        runs[lagoon] = tidal_skill(scenarios.run(scenario, duration="5D"), constituents=["M2"])
    m2 = runs[True].sel(constituent="M2")
    ratio = float(m2["amplitude_ratio"].sel(station="Arcachon"))
    lag = float(m2["phase_error"].sel(station="Arcachon"))
    assert 0.9 < ratio < 1.1 and abs(lag) < 15, (ratio, lag)
    without = runs[False].sel(constituent="M2")
    for name in names[:2]:
        da = float(
            m2["model_amplitude"].sel(station=name) - without["model_amplitude"].sel(station=name)
        )
        assert abs(da) < 0.02, (name, da)
