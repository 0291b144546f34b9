"""twinbench: a Jupyter-native workbench for ocean and estuary digital twins.

The public API (see the contract): :func:`simulate` runs the differentiable 2-D shallow-water
engine on CF xarray inputs; :class:`Model` exposes the same run for ``jax.grad``/``jax.vmap``.
"""

from twinbench.api import Model, simulate
from twinbench.io.inputs import InputError

__version__ = "0.1.0"

__all__ = ["InputError", "Model", "__version__", "simulate"]
