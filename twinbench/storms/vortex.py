"""The Holland (1980) parametric vortex and storm tracks interpolated in time.

Pressure (Holland 1980, eq. 2)::

    p(r) = pc + (pn − pc) exp(−(Rmax/r)^B)

Gradient wind (Holland 1980, eq. 4), balancing the pressure gradient, the centrifugal and the
Coriolis accelerations::

    Vg(r) = sqrt( (B Δp/ρa) (Rmax/r)^B exp(−(Rmax/r)^B) + (r f/2)² ) − r |f|/2,   Δp = pn − pc

In the cyclostrophic limit (f = 0) it peaks at r = Rmax for every B, at ``sqrt(B Δp/(ρa e))``.
The 10 m wind is ``K Vg`` (:data:`SURFACE_FACTOR`) turned towards the centre by the inflow angle
β(r) of Phadke et al. (2003, eq. 11): 10° inside Rmax, 10° + 75°(r/Rmax − 1) up to 1.2 Rmax,
25° beyond. The motion of the storm adds Jelesnianski's (1966) term
``Vt r Rmax/(r² + Rmax²)`` along the track (half the translation speed at Rmax, vanishing at the
centre and far away), which makes the right-hand side of a northern-hemisphere storm stronger.
The rotation is counter-clockwise where f > 0 (northern hemisphere), clockwise where f < 0.

References: Holland, G. J. (1980), An analytic model of the wind and pressure profiles in
hurricanes, *Mon. Wea. Rev.* 108, 1212–1218; Phadke, A. C., Martino, C. D., Cheung, K. F. and
Houston, S. H. (2003), Modeling of tropical cyclone winds and waves for emergency management,
*Ocean Eng.* 30, 553–578; Jelesnianski, C. P. (1966), Numerical computations of storm surges
without bottom stress, *Mon. Wea. Rev.* 94, 379–394; Franklin, J. L., Black, M. L. and
Valde, K. (2003), GPS dropwindsonde wind profiles in hurricanes and their operational
implications, *Wea. Forecasting* 18, 32–44.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

AIR_DENSITY = 1.15  # kg m⁻³, Holland (1980)
#: Ratio of the 10 m wind to the gradient wind. Franklin et al. (2003) measured ≈ 0.9 between
#: the surface and the 700 hPa flight level in hurricane eyewalls; parametric surge models use
#: 0.7–0.9; 0.8 is the middle of that range.
SURFACE_FACTOR = 0.8
EARTH_RADIUS = 6_371_000.0  # m, mean radius
OMEGA_EARTH = 7.2921e-5  # s⁻¹


def coriolis(lat: Any) -> np.ndarray:
    """Coriolis parameter ``f = 2 Ω sin φ`` (s⁻¹) at latitude ``lat`` (degrees)."""
    return 2.0 * OMEGA_EARTH * np.sin(np.deg2rad(lat))


def holland_pressure(r: Any, pc: float, pn: float, rmax: float, B: float) -> np.ndarray:
    """Sea-level pressure (Pa) at distance ``r`` (m) from the centre; ``pc``, ``pn`` in Pa,
    ``rmax`` in m, ``B`` dimensionless (Holland 1980, eq. 2).

    >>> float(holland_pressure(0.0, 97_000.0, 101_300.0, 50e3, 1.2))
    97000.0
    """
    r = np.asarray(r, dtype=float)
    with np.errstate(divide="ignore", over="ignore"):
        shape = np.where(r > 0, np.exp(-((rmax / np.maximum(r, 1e-300)) ** B)), 0.0)
    return pc + (pn - pc) * shape


def gradient_wind(
    r: Any, pc: float, pn: float, rmax: float, B: float, f: float, air_density: float = AIR_DENSITY
) -> np.ndarray:
    """Gradient wind speed (m s⁻¹) at distance ``r`` (m) (Holland 1980, eq. 4); 0 at r = 0.

    >>> round(float(gradient_wind(50e3, 97_000.0, 101_300.0, 50e3, 1.0, 0.0)), 2)
    37.09
    """
    r = np.asarray(r, dtype=float)
    safe_r = np.maximum(r, 1e-9)
    ratio = (rmax / safe_r) ** B
    with np.errstate(over="ignore", under="ignore"):
        pressure_term = np.where(
            ratio < 700.0, B * (pn - pc) / air_density * ratio * np.exp(-ratio), 0.0
        )
    half_fr = 0.5 * safe_r * abs(f)
    return np.where(r > 0, np.sqrt(pressure_term + half_fr**2) - half_fr, 0.0)


def phadke_inflow_angle(r: Any, rmax: float) -> np.ndarray:
    """Inflow angle (degrees) of the surface wind over water (Phadke et al. 2003, eq. 11)."""
    ratio = np.asarray(r, dtype=float) / rmax
    return np.clip(10.0 + 75.0 * (ratio - 1.0), 10.0, 25.0)


def holland_pressure_wind(
    x: Any,
    y: Any,
    centre: tuple[float, float],
    pc: float,
    pn: float,
    rmax: float,
    B: float,
    f: float,
    translation: tuple[float, float] | None = None,
    *,
    inflow_angle: float | None = None,
    surface_factor: float = SURFACE_FACTOR,
    air_density: float = AIR_DENSITY,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sea-level pressure and 10 m wind of a Holland vortex on a local east/north plane.

    Parameters
    ----------
    x, y
        East and north coordinates of the points (m), arrays of one shape.
    centre
        (x, y) of the storm centre (m).
    pc, pn
        Central and ambient pressure (Pa).
    rmax
        Radius of maximum winds (m).
    B
        Holland's shape parameter (1–2.5 for tropical cyclones; ≈ 1–1.3 for Xynthia).
    f
        Coriolis parameter at the centre (s⁻¹); its sign sets the sense of rotation
        (counter-clockwise for f ≥ 0).
    translation
        Storm velocity (east, north) in m s⁻¹, added with Jelesnianski's (1966) weight.
    inflow_angle
        A constant inflow angle (degrees) instead of Phadke et al.'s β(r).
    surface_factor
        10 m wind / gradient wind (default :data:`SURFACE_FACTOR`).
    air_density
        kg m⁻³.

    Returns
    -------
    pressure, u_east, v_north
        Pa and m s⁻¹, each of the shape of ``x``.

    Examples
    --------
    >>> p, u, v = holland_pressure_wind(100e3, 0.0, (0.0, 0.0), 97e3, 101.3e3, 50e3, 1.2, 1e-4)
    >>> bool(v > 0 and u < 0)  # east of a northern-hemisphere low: wind to the north, inflowing
    True
    """
    dx = np.asarray(x, dtype=float) - centre[0]
    dy = np.asarray(y, dtype=float) - centre[1]
    r = np.hypot(dx, dy)
    pressure = holland_pressure(r, pc, pn, rmax, B)
    speed = surface_factor * gradient_wind(r, pc, pn, rmax, B, f, air_density)
    beta = np.deg2rad(phadke_inflow_angle(r, rmax) if inflow_angle is None else inflow_angle)
    sense = 1.0 if f >= 0 else -1.0
    safe_r = np.where(r > 0, r, 1.0)
    radial_x, radial_y = dx / safe_r, dy / safe_r  # outward unit vector
    tangent_x, tangent_y = -sense * radial_y, sense * radial_x  # cyclonic direction
    u = speed * (np.cos(beta) * tangent_x - np.sin(beta) * radial_x)
    v = speed * (np.cos(beta) * tangent_y - np.sin(beta) * radial_y)
    if translation is not None:
        weight = r * rmax / (r * r + rmax * rmax)
        u = u + weight * translation[0]
        v = v + weight * translation[1]
    return pressure, u, v


def local_plane(lon: Any, lat: Any, lon0: float, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """East/north offsets (m) of points from (lon0, lat0), equirectangular at the mean latitude
    of each pair (a fraction of a percent from the great-circle distance at 500 km)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    mean_lat = np.deg2rad(0.5 * (lat + lat0))
    dlon = (lon - lon0 + 180.0) % 360.0 - 180.0
    return (
        EARTH_RADIUS * np.cos(mean_lat) * np.deg2rad(dlon),
        EARTH_RADIUS * np.deg2rad(lat - lat0),
    )


@dataclass(frozen=True)
class Track:
    """A storm track: positions and intensity at UTC times, linear in time between them.

    Attributes
    ----------
    times : numpy.ndarray of datetime64[s]
        Strictly increasing UTC times.
    lon, lat : numpy.ndarray
        Centre (degrees east, north).
    pc : numpy.ndarray
        Central pressure (hPa).
    rmax : numpy.ndarray
        Radius of maximum winds (km).
    B : numpy.ndarray or None
        Holland's B at each point (None: the caller's single value).
    """

    times: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    pc: np.ndarray
    rmax: np.ndarray
    B: np.ndarray | None = None

    def __post_init__(self) -> None:
        times = np.asarray(self.times, dtype="datetime64[s]")
        arrays = {
            k: np.asarray(getattr(self, k), dtype=float) for k in ("lon", "lat", "pc", "rmax")
        }
        if self.B is not None:
            arrays["B"] = np.asarray(self.B, dtype=float)
        if times.ndim != 1 or times.size < 2:
            raise ValueError(f"a track needs at least two times, got {times.size}")
        if np.any(np.diff(times) <= np.timedelta64(0, "s")):
            raise ValueError(f"track times must be strictly increasing, got {times}")
        for name, values in arrays.items():
            if values.shape != times.shape:
                raise ValueError(f"track {name} has {values.size} values for {times.size} times")
            if not np.all(np.isfinite(values)):
                raise ValueError(f"track {name} has NaN or infinite values: {values}")
        if np.any(np.abs(arrays["lat"]) > 90):
            raise ValueError(f"track latitudes must be within ±90°, got {arrays['lat']}")
        if np.any(arrays["rmax"] <= 0):
            raise ValueError(f"track rmax (km) must be > 0, got {arrays['rmax']}")
        if np.any((arrays["pc"] < 850) | (arrays["pc"] > 1050)):
            raise ValueError(f"track central pressures must be hPa (850–1050), got {arrays['pc']}")
        if "B" in arrays and np.any((arrays["B"] < 0.5) | (arrays["B"] > 3.0)):
            raise ValueError(f"track B must be within 0.5–3, got {arrays['B']}")
        object.__setattr__(self, "times", times)
        for name, values in arrays.items():
            object.__setattr__(self, name, values)

    def seconds(self, start: np.datetime64) -> np.ndarray:
        """Track times as seconds from ``start``."""
        return (self.times - np.datetime64(start, "s")) / np.timedelta64(1, "s")

    def at(self, start: np.datetime64, t: Any) -> dict[str, np.ndarray]:
        """Centre, intensity and velocity at ``t`` seconds from ``start`` (UTC).

        Returns ``lon, lat`` (deg), ``pc`` (hPa), ``rmax`` (km), ``B`` (if the track has it)
        and ``velocity`` ``(east, north)`` in m s⁻¹ of the segment holding each time.
        Times outside the track raise ``ValueError``.
        """
        t = np.atleast_1d(np.asarray(t, dtype=float))
        knots = self.seconds(start)
        if t.min() < knots[0] - 1e-6 or t.max() > knots[-1] + 1e-6:
            raise ValueError(
                f"times {t.min():g}…{t.max():g} s from {start} leave the track "
                f"({self.times[0]} … {self.times[-1]})"
            )
        out = {k: np.interp(t, knots, getattr(self, k)) for k in ("lon", "lat", "pc", "rmax")}
        if self.B is not None:
            out["B"] = np.interp(t, knots, self.B)
        segment = np.clip(np.searchsorted(knots, t, side="right") - 1, 0, knots.size - 2)
        east, north = local_plane(
            self.lon[segment + 1], self.lat[segment + 1], self.lon[segment], self.lat[segment]
        )
        duration = knots[segment + 1] - knots[segment]
        out["velocity"] = np.stack([east / duration, north / duration], axis=-1)
        return out
