r"""Astronomical arguments V and nodal corrections f, u (Foreman's scheme, as in UTide).

The six astronomical variables are the mean lunar time τ, the mean longitudes of the Moon s,
of the Sun h, of the lunar perigee p, the negative of the longitude of the Moon's ascending node
N′ = −N and the longitude of perihelion p′, from the cubic polynomials of the Explanatory
Supplement to the Astronomical Ephemeris (1961, pp. 98 and 107), with time in days d since
1899-12-31 12:00 UTC (D = d/10⁴); τ = (UTC fraction of the day) + h − s. UTC stands in for
ephemeris time (a minute's error moves s by < 0.01°), as in t_tide and UTide.

For a main constituent with Doodson numbers k and phase offset φ (cycles)

.. math::  V = k \cdot (τ, s, h, p, N′, p′) + φ,
           \qquad f\,e^{2πiu} = 1 + \sum_j r_j\,e^{2πi(Δk_j \cdot (p, N′, p′) + α_j)},

summed over its satellites j (amplitude ratio r_j, phase correction α_j; for the satellites
flagged latitude-dependent, r_j is multiplied by 0.36309 (1 − 5 sin²φ)/sin φ or by 2.59808 sin φ,
with |φ| ≥ 5°). A shallow-water constituent Σ c_i·C_i has V = Σ c_i V_i, u = Σ c_i u_i and
f = Π f_i^|c_i|. This is Foreman (1977, 2004) as implemented by t_tide and UTide
(``ut_FUV``), evaluated here at every time.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ._parsing import days_since_1899, parse_latitude, parse_times
from .constituents import CONSTITUENTS, canonical_names

# Explanatory Supplement (1961) polynomials: degrees, in (1, d, D², D³), D = d / 10⁴.
_POLY = np.array(
    [
        [270.434164, 13.1763965268, -0.0000850, 0.000000039],  # s
        [279.696678, 0.9856473354, 0.00002267, 0.000000000],  # h
        [334.329556, 0.1114040803, -0.0007739, -0.00000026],  # p
        [-259.183275, 0.0529539222, -0.0001557, -0.000000050],  # N′ = −N
        [281.220844, 0.0000470684, 0.0000339, 0.000000070],  # p′
    ]
)
VARIABLES = ("tau", "s", "h", "p", "N_prime", "p_prime")


def _variables_cycles(days: np.ndarray) -> np.ndarray:
    """(6, nt) astronomical variables, cycles, at ``days`` since 1899-12-31T12:00 UTC."""
    big_d = days / 1e4
    powers = np.vstack((np.ones_like(days), days, big_d**2, big_d**3))
    shs = np.fmod(_POLY @ powers / 360.0, 1.0)
    tau = np.mod(days + 0.5, 1.0) + shs[1] - shs[0]
    return np.vstack((tau, shs))


def _main_fu(name: str, astro: np.ndarray, latitude: float | None) -> tuple[np.ndarray, np.ndarray]:
    sats = np.asarray(CONSTITUENTS[name].satellites, dtype=float).reshape(-1, 6)
    if latitude is None:
        sats = sats[sats[:, 5] == 0]
    if sats.shape[0] == 0:
        nt = astro.shape[1]
        return np.ones(nt), np.zeros(nt)
    ratio = sats[:, 4].copy()
    if latitude is not None:
        lat = latitude if abs(latitude) >= 5 else np.copysign(5.0, latitude)
        slat = np.sin(np.deg2rad(lat))
        ratio[sats[:, 5] == 1] *= 0.36309 * (1.0 - 5.0 * slat**2) / slat
        ratio[sats[:, 5] == 2] *= 2.59808 * slat
    phase = sats[:, :3] @ astro[3:6] + sats[:, 3:4]
    total = 1.0 + (ratio[:, None] * np.exp(2j * np.pi * phase)).sum(axis=0)
    return np.abs(total), np.angle(total) / (2 * np.pi)


def fuv(
    names: list[str], days: np.ndarray, latitude: float | None, nodal: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodal factor f, nodal angle u (cycles) and argument V (cycles), each (nt, nc).

    ``names`` must be canonical; ``days`` are days since 1899-12-31T12:00 UTC.
    """
    astro = _variables_cycles(np.asarray(days, dtype=float))
    nt = astro.shape[1]
    cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def one(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if name in cache:
            return cache[name]
        c = CONSTITUENTS[name]
        if c.shallow:
            f, u, v = np.ones(nt), np.zeros(nt), np.zeros(nt)
            for part, coef in c.shallow:
                fp, up, vp = one(part)
                f = f * fp ** abs(coef)
                u = u + coef * up
                v = v + coef * vp
        else:
            # Reduced like UTide's fmod before combining: M7 = 3.5·M2 depends on it.
            v = np.fmod(np.asarray(c.doodson, dtype=float) @ astro + c.semi, 1.0)
            if not nodal:
                f, u = np.ones(nt), np.zeros(nt)
            elif c.nodal_as is not None:
                f, u, _ = one(c.nodal_as)
            else:
                f, u = _main_fu(name, astro, latitude)
        cache[name] = (f, u, v)
        return cache[name]

    out = [one(n) for n in names]
    f = np.stack([o[0] for o in out], axis=1)
    u = np.stack([o[1] for o in out], axis=1)
    v = np.stack([o[2] for o in out], axis=1)
    return f, u, v


def astronomical_variables(times) -> xr.DataArray:
    """τ, s, h, p, N′ = −N and p′ in degrees [0, 360) at UTC ``times``.

    >>> import numpy as np
    >>> a = astronomical_variables(np.datetime64("2000-01-01T12:00"))
    >>> round(float(a.sel(variable="h")[0]), 2)  # mean longitude of the Sun at J2000
    280.47
    """
    t = parse_times(times)
    astro = np.mod(_variables_cycles(days_since_1899(t)) * 360.0, 360.0)
    return xr.DataArray(
        astro.T,
        dims=("time", "variable"),
        coords={"time": t, "variable": list(VARIABLES)},
        name="astronomical_variables",
        attrs={"units": "degree", "long_name": "mean astronomical longitudes (Doodson)"},
    )


def astronomical_arguments(constituents, times) -> xr.DataArray:
    """Greenwich equilibrium arguments V (degrees, [0, 360)) of ``constituents`` at ``times``.

    >>> import numpy as np
    >>> v = astronomical_arguments(["M2", "S2"], np.datetime64("2000-01-01T00:00"))
    >>> float(v.sel(constituent="S2")[0])  # S2's argument is 0 at 00:00 UTC
    0.0
    """
    names = canonical_names(constituents)
    t = parse_times(times)
    _, _, v = fuv(names, days_since_1899(t), None, nodal=False)
    return xr.DataArray(
        np.mod(v * 360.0, 360.0),
        dims=("time", "constituent"),
        coords={"time": t, "constituent": names},
        name="V",
        attrs={"units": "degree", "long_name": "astronomical argument V (Greenwich)"},
    )


def nodal_corrections(constituents, times, *, latitude=None) -> xr.Dataset:
    """Nodal/satellite amplitude factors f and phase corrections u (degrees) at ``times``.

    ``latitude`` (degrees north) enters the few latitude-dependent satellites of Foreman's
    table; with ``None`` those satellites are left out.

    >>> import numpy as np
    >>> nc = nodal_corrections(["M2", "K1", "O1"], np.datetime64("2006-07-01"), latitude=45)
    >>> [round(float(x), 3) for x in nc.f[0]]  # lunar node near 0°: M2 weakest, K1, O1 strongest
    [0.964, 1.113, 1.176]
    """
    names = canonical_names(constituents)
    t = parse_times(times)
    f, u, _ = fuv(names, days_since_1899(t), parse_latitude(latitude))
    u_deg = np.mod(u * 360.0 + 180.0, 360.0) - 180.0
    coords = {"time": t, "constituent": names}
    return xr.Dataset(
        {
            "f": (("time", "constituent"), f, {"units": "1", "long_name": "nodal factor f"}),
            "u": (
                ("time", "constituent"),
                u_deg,
                {"units": "degree", "long_name": "nodal phase correction u"},
            ),
        },
        coords=coords,
        attrs={"latitude": np.nan if latitude is None else float(latitude)},
    )
