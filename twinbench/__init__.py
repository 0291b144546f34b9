"""twinbench: a Jupyter-native workbench for ocean and estuary digital twins.

The public API (see the contract): :func:`simulate` runs the differentiable 2-D shallow-water
engine on CF xarray inputs; :class:`Model` exposes the same run for ``jax.grad``/``jax.vmap``;
:func:`open_catalog` opens the data catalog (imported on first use: intake loads only then).
"""

from twinbench.api import Model, simulate
from twinbench.io.inputs import InputError

__version__ = "0.1.0"

__all__ = ["InputError", "Model", "__version__", "open_catalog", "simulate"]


def __getattr__(name: str):
    if name == "open_catalog":
        from twinbench.data.catalog import open_catalog

        return open_catalog
    raise AttributeError(f"module 'twinbench' has no attribute {name!r}")
