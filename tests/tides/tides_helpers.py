"""Helpers of the tides tests (UTide structures, synthetic series)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from twinbench.tides import predict


def utide_coef(names, amplitude, phase, latitude, times):
    """A UTide ``coef`` structure holding given constants, for ``utide.reconstruct``."""
    from utide._ut_constants import constit_index_dict
    from utide.utilities import Bunch

    from twinbench.tides import CONSTITUENTS

    lind = np.array([constit_index_dict[n] for n in names])
    opt = Bunch(
        twodim=False,
        nodsatlint=0,
        nodsatnone=0,
        gwchlint=0,
        gwchnone=0,
        notrend=True,
        prefilt=[],
        nodiagn=True,
    )
    aux = Bunch(
        reftime=float(utide_days(times).mean()),
        lind=lind,
        lat=latitude,
        opt=opt,
        frq=np.array([CONSTITUENTS[n].frequency for n in names]),
    )
    return Bunch(
        name=np.array(names),
        A=np.asarray(amplitude),
        g=np.asarray(phase),
        mean=0.0,
        slope=0.0,
        aux=aux,
    )


def utide_days(times) -> np.ndarray:
    """UTide's time axis: days with 1 on 0001-01-01 (Python ordinal)."""
    t = np.asarray(times, dtype="datetime64[ns]")
    return (t - np.datetime64("1970-01-01", "ns")).astype(np.int64) / 86400e9 + 719163


def synthetic(constants, start: str, days: float, noise: float, seed: int = 0) -> pd.Series:
    """Hourly tide from ``constants`` (a ticon Dataset) plus Gaussian white noise (m)."""
    times = pd.date_range(start, periods=int(24 * days), freq="h")
    clean = predict(constants, times).values
    rng = np.random.default_rng(seed)
    return pd.Series(clean + noise * rng.standard_normal(times.size), index=times, name="eta")
