"""The Holland vortex against its formulas, and storm tracks."""

import numpy as np
import pytest

from twinbench.storms import (
    Track,
    gradient_wind,
    holland_pressure,
    holland_pressure_wind,
    phadke_inflow_angle,
)
from twinbench.storms.vortex import AIR_DENSITY, SURFACE_FACTOR, local_plane

PC, PN, RMAX = 96_800.0, 101_325.0, 100e3  # Pa, Pa, m


def test_pressure_profile_analytic_values():
    dp = PN - PC
    assert holland_pressure(0.0, PC, PN, RMAX, 1.2) == pytest.approx(PC)
    assert holland_pressure(RMAX, PC, PN, RMAX, 1.2) == pytest.approx(PC + dp * np.exp(-1.0))
    r = 2 * RMAX
    expected = PC + dp * np.exp(-(0.5**1.5))
    assert holland_pressure(r, PC, PN, RMAX, 1.5) == pytest.approx(expected, rel=1e-12)
    assert holland_pressure(1e9, PC, PN, RMAX, 1.0) == pytest.approx(PN, abs=1.0)
    profile = holland_pressure(np.linspace(0, 1e6, 200), PC, PN, RMAX, 1.3)
    assert np.all(np.diff(profile) >= 0) and np.all(np.diff(profile[5:]) > 0)  # a low


@pytest.mark.parametrize("B", [1.0, 1.3, 2.0])
def test_cyclostrophic_wind_peaks_at_rmax(B):
    r = np.linspace(1e3, 5 * RMAX, 40_001)
    speed = gradient_wind(r, PC, PN, RMAX, B, f=0.0)
    assert r[np.argmax(speed)] == pytest.approx(RMAX, rel=1e-3)
    assert speed.max() == pytest.approx(np.sqrt(B * (PN - PC) / (AIR_DENSITY * np.e)), rel=1e-6)


def test_coriolis_slows_the_gradient_wind_and_moves_its_peak_inwards():
    r = np.linspace(1e3, 5 * RMAX, 40_001)
    with_f = gradient_wind(r, PC, PN, RMAX, 1.0, f=1e-4)
    without = gradient_wind(r, PC, PN, RMAX, 1.0, f=0.0)
    assert np.all(with_f <= without)
    assert 0.75 * RMAX < r[np.argmax(with_f)] < RMAX
    # gradient balance: V²/r + f V = (1/ρ) dp/dr
    k = 10_000
    dpdr = np.gradient(holland_pressure(r, PC, PN, RMAX, 1.0), r)[k]
    v = with_f[k]
    assert v**2 / r[k] + 1e-4 * v == pytest.approx(dpdr / AIR_DENSITY, rel=1e-4)


@pytest.mark.parametrize("f, sense", [(1e-4, 1.0), (-1e-4, -1.0)])
def test_rotation_and_inflow(f, sense):
    """Counter-clockwise in the north, clockwise in the south, always turned inwards by
    Phadke et al.'s inflow angle; 10 m speed = surface factor × gradient wind."""
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    for r in (0.5 * RMAX, RMAX, 3 * RMAX):
        x, y = r * np.cos(angles), r * np.sin(angles)
        _, u, v = holland_pressure_wind(x, y, (0.0, 0.0), PC, PN, RMAX, 1.2, f)
        radial = (u * x + v * y) / r
        tangential = (x * v - y * u) / r  # > 0 counter-clockwise
        speed = np.hypot(u, v)
        expected = SURFACE_FACTOR * gradient_wind(r, PC, PN, RMAX, 1.2, f)
        np.testing.assert_allclose(speed, expected, rtol=1e-12)
        assert np.all(sense * tangential > 0)
        assert np.all(radial < 0)
        inflow = np.rad2deg(np.arctan2(-radial, sense * tangential))
        np.testing.assert_allclose(inflow, phadke_inflow_angle(r, RMAX), atol=1e-9)


def test_phadke_inflow_angle():
    np.testing.assert_allclose(
        phadke_inflow_angle(np.array([0.0, 1.0, 1.1, 1.2, 3.0]) * RMAX, RMAX),
        [10.0, 10.0, 17.5, 25.0, 25.0],
    )


def test_translation_strengthens_the_right_hand_side():
    """A northern-hemisphere storm moving north: east (right) of it the winds add up."""
    args = (PC, PN, RMAX, 1.2, 1e-4)
    points = np.array([RMAX, -RMAX]), np.zeros(2)
    _, u0, v0 = holland_pressure_wind(*points, (0.0, 0.0), *args)
    _, u1, v1 = holland_pressure_wind(*points, (0.0, 0.0), *args, translation=(0.0, 10.0))
    assert np.hypot(u1, v1)[0] > np.hypot(u0, v0)[0]
    assert np.hypot(u1, v1)[1] < np.hypot(u0, v0)[1]
    np.testing.assert_allclose(v1 - v0, [5.0, 5.0])  # half the translation at Rmax
    _, uc, vc = holland_pressure_wind(0.0, 0.0, (0.0, 0.0), *args, translation=(0.0, 10.0))
    assert uc == 0.0 and vc == 0.0  # calm at the centre


def test_track_interpolates_linearly_and_knows_its_velocity():
    track = Track(
        np.array(["2010-02-27T21:00", "2010-02-28T03:00"], dtype="datetime64[s]"),
        lon=[-5.0, -1.5],
        lat=[45.0, 46.3],
        pc=[968.0, 972.0],
        rmax=[100.0, 120.0],
    )
    state = track.at(np.datetime64("2010-02-27T21:00"), [0.0, 3 * 3600.0])
    np.testing.assert_allclose(state["lon"], [-5.0, -3.25])
    np.testing.assert_allclose(state["pc"], [968.0, 970.0])
    np.testing.assert_allclose(state["rmax"], [100.0, 110.0])
    east, north = local_plane(-1.5, 46.3, -5.0, 45.0)
    np.testing.assert_allclose(state["velocity"][0], [east / 21600.0, north / 21600.0])
    speed_kmh = 3.6 * np.hypot(*state["velocity"][0])
    assert 50 < speed_kmh < 60  # the facts sheet's 50-60 km/h for Xynthia
    with pytest.raises(ValueError, match="leave the track"):
        track.at(np.datetime64("2010-02-27T21:00"), [7 * 3600.0])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"times": np.array(["2010-02-28", "2010-02-27"], dtype="datetime64[s]")}, "increasing"),
        ({"lat": [45.0, 95.0]}, "latitudes"),
        ({"rmax": [100.0, 0.0]}, "rmax"),
        ({"pc": [96800.0, 96800.0]}, "hPa"),
        ({"lon": [-5.0]}, "lon has 1 values"),
    ],
)
def test_bad_tracks_are_refused(changes, message):
    good = {
        "times": np.array(["2010-02-27", "2010-02-28"], dtype="datetime64[s]"),
        "lon": [-5.0, -1.5],
        "lat": [45.0, 46.3],
        "pc": [968.0, 968.0],
        "rmax": [100.0, 100.0],
    }
    with pytest.raises(ValueError, match=message):
        Track(**{**good, **changes})


def test_local_plane_matches_the_great_circle_distance():
    east, north = local_plane(-1.2, 46.16, -5.0, 45.0)
    lon1, lat1, lon2, lat2 = np.deg2rad([-5.0, 45.0, -1.2, 46.16])
    a = np.sin((lat2 - lat1) / 2) ** 2
    a += np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    haversine = 2 * 6_371_000.0 * np.arcsin(np.sqrt(a))
    assert np.hypot(east, north) == pytest.approx(haversine, rel=2e-3)
