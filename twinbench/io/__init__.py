"""CF xarray edges of the engine: the CF registry, input parsing, outputs and provenance."""

from twinbench.io.inputs import InputError

__all__ = ["InputError"]
