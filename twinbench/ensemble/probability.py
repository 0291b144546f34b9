"""Probabilities over the ``member`` dimension of an ensemble: exceedance and quantiles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from twinbench.io.inputs import InputError


def _variable(ds: xr.Dataset, variable: str, dim: str) -> xr.DataArray:
    if variable not in ds:
        known = sorted(str(v) for v in ds.data_vars)
        raise InputError(f"no variable {variable!r} in the ensemble; it has {known}")
    if dim not in ds[variable].dims:
        raise InputError(f"{variable!r} has no {dim!r} dimension (dims {ds[variable].dims})")
    return ds[variable]


def _weights(weights: Any, ds: xr.Dataset, dim: str) -> xr.DataArray:
    n = ds.sizes[dim]
    if weights is None:
        return xr.DataArray(np.ones(n), dims=dim)
    w = np.asarray(weights.values if isinstance(weights, xr.DataArray) else weights, dtype=float)
    if w.shape != (n,):
        raise InputError(f"weights must hold one value per member ({n}), got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise InputError(f"weights must be finite, ≥ 0 and not all 0, got {w.tolist()}")
    return xr.DataArray(w, dims=dim)


def exceedance_probability(
    ds: xr.Dataset,
    variable: str,
    threshold: float,
    *,
    below: bool = False,
    weights: Sequence[float] | xr.DataArray | None = None,
    dim: str = "member",
) -> xr.DataArray:
    """Fraction of members (weighted) whose ``variable`` exceeds ``threshold``, per station and
    time (or per cell). Members where the value is NaN (a dry cell's salinity) are left out;
    where every member is NaN the result is NaN.

    Parameters
    ----------
    threshold : float
        In the variable's units (m for ``station_eta``, g kg⁻¹ for salinity, ...).
    below : bool
        Probability of being strictly below the threshold instead of strictly above.
    weights : one non-negative number per member, optional
        Member weights (default: equal).

    Examples
    --------
    >>> ds = xr.Dataset({"x": (("member", "time"), [[1.0, 3.0], [2.0, 0.0]])})
    >>> exceedance_probability(ds, "x", 1.5).values.tolist()
    [0.5, 0.5]
    """
    da = _variable(ds, variable, dim)
    if isinstance(threshold, bool) or not np.isfinite(threshold):
        raise InputError(f"threshold must be a finite number, got {threshold!r}")
    w = _weights(weights, ds, dim)
    hit = (da < threshold) if below else (da > threshold)
    valid = da.notnull()
    total = (valid * w).sum(dim)
    p = (hit.where(valid, False) * w).sum(dim) / total.where(total > 0)
    p.attrs = {}
    return p.rename(f"probability_{'below' if below else 'above'}").assign_attrs(
        long_name=f"probability that {variable} is {'below' if below else 'above'} {threshold:g}",
        units="1",
        threshold=float(threshold),
    )


def quantiles(
    ds: xr.Dataset,
    variable: str,
    q: Sequence[float] = (0.05, 0.5, 0.95),
    *,
    weights: Sequence[float] | xr.DataArray | None = None,
    dim: str = "member",
) -> xr.DataArray:
    """Quantiles of ``variable`` over the members (linear interpolation between members, NaN
    members skipped), with a ``quantile`` dimension; weighted members use xarray's weighted
    quantiles (Hyndman & Fan type 7 generalised to weights).

    Examples
    --------
    >>> ds = xr.Dataset({"x": ("member", [0.0, 1.0, 2.0, 3.0, 4.0])})
    >>> quantiles(ds, "x", [0.25, 0.5]).values.tolist()
    [1.0, 2.0]
    """
    da = _variable(ds, variable, dim)
    levels = np.atleast_1d(np.asarray(q, dtype=float))
    if levels.size == 0 or not np.all((levels >= 0) & (levels <= 1)):
        raise InputError(f"q must be numbers in [0, 1], got {q!r}")
    if weights is None:
        out = da.quantile(levels, dim=dim, skipna=True)
    else:
        out = da.weighted(_weights(weights, ds, dim)).quantile(levels, dim=dim, skipna=True)
    return out.assign_attrs(da.attrs)


__all__ = ["exceedance_probability", "quantiles"]
