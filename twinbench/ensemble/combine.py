"""Member runs → one dataset with a ``member`` dimension, and the sequential reference path."""

from __future__ import annotations

import json
from collections.abc import Sequence

import xarray as xr

from twinbench.ensemble.members import Ensemble
from twinbench.scenarios import runner


def keep(run: xr.Dataset, fields: bool) -> xr.Dataset:
    """The variables an ensemble keeps of one member's run: station series (and fields)."""
    names = [v for v in run.data_vars if str(v).startswith("station_")]
    if fields:
        names += [v for v in run.data_vars if run[v].dims[:1] == ("time",) and v not in names]
    return run[names]


def combine(runs: Sequence[xr.Dataset], ens: Ensemble, backend: str, **attrs) -> xr.Dataset:
    """Stack member runs along ``member`` with the members' values as coordinates."""
    fields = ens.base.fields
    parts = [keep(r, fields) for r in runs]
    out = xr.concat(parts, dim="member", coords="minimal", compat="override",
                    combine_attrs="override", join="exact")  # fmt: skip
    out = out.assign_coords(member=("member", list(range(len(runs)))), **ens.coordinates())
    out.attrs = {
        "title": f"twinbench ensemble of {ens.base.name!r} ({len(runs)} members)",
        "featureType": "timeSeries",
        "ensemble_backend": backend,
        "ensemble_base": json.dumps(ens.base.document, default=str),
        "ensemble_members": json.dumps(list(ens.members), default=str),
        **{k: v for k, v in runs[0].attrs.items() if k.startswith(("Conventions", "domain_"))},
        **attrs,
    }
    return out


def run_member(ens: Ensemble, k: int) -> xr.Dataset:
    """Member ``k`` run on its own with :func:`twinbench.scenarios.run` (stations kept)."""
    return keep(runner.run(ens.scenario(k)), ens.base.fields).load()


def run_sequential(ens: Ensemble) -> xr.Dataset:
    """Every member one after the other, each a plain scenario run (the reference path)."""
    return combine([run_member(ens, k) for k in range(len(ens))], ens, "sequential")


__all__ = ["combine", "keep", "run_member", "run_sequential"]
