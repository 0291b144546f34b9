"""Ensembles: members as data, run on one device (``jax.vmap``), one by one, or on Dask.

>>> from twinbench.ensemble import Ensemble, run_ensemble, exceedance_probability
>>> ens = Ensemble.grid("gironde", sea_level=[0.0, 0.3, 0.6])  # doctest: +SKIP
>>> ds = run_ensemble(ens, duration="6h", backend="vmap")  # doctest: +SKIP
>>> exceedance_probability(ds, "station_eta", 2.5)  # doctest: +SKIP

See ``docs/ensembles.md``.
"""

from twinbench.ensemble.members import DISTRIBUTIONS, VOCABULARY, Ensemble, member_scenario
from twinbench.ensemble.probability import exceedance_probability, quantiles
from twinbench.ensemble.run import BACKENDS, run_ensemble

__all__ = [
    "BACKENDS",
    "DISTRIBUTIONS",
    "VOCABULARY",
    "Ensemble",
    "exceedance_probability",
    "member_scenario",
    "quantiles",
    "run_ensemble",
]
