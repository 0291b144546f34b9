"""The JAX engine: pure functions on Grid / State / Params pytrees. No xarray, no I/O."""

from twinbench.core.boundaries import (
    Boundary,
    Discharge,
    FaceState,
    Level,
    Open,
    Radiating,
    Wall,
)
from twinbench.core.forcing import SurfaceForcing, wind_stress
from twinbench.core.friction import Chezy, DarcyWeisbach, FrictionLaw, Linear, Manning, NoFriction
from twinbench.core.porosity import Porosity, porosity
from twinbench.core.stepping import (
    NOT_FINITE,
    OK,
    STALLED,
    advance_to,
    failure,
    free_surface,
    history,
    run,
    stable_dt,
    step,
    volume,
)
from twinbench.core.terms import primitive, tendency
from twinbench.core.types import Boundaries, Grid, Params, State, default_params

__all__ = [
    "NOT_FINITE",
    "OK",
    "STALLED",
    "Boundaries",
    "Boundary",
    "Chezy",
    "DarcyWeisbach",
    "Discharge",
    "FaceState",
    "FrictionLaw",
    "Grid",
    "Level",
    "Linear",
    "Manning",
    "NoFriction",
    "Open",
    "Params",
    "Porosity",
    "Radiating",
    "State",
    "SurfaceForcing",
    "Wall",
    "advance_to",
    "default_params",
    "failure",
    "free_surface",
    "history",
    "porosity",
    "primitive",
    "run",
    "stable_dt",
    "step",
    "tendency",
    "volume",
    "wind_stress",
]
