"""The JAX engine against an independent NumPy implementation of the same scheme.

``benchmarks/numpy_reference.py`` re-implements the step (reconstruction, hydrostatic HLL
fluxes, bed-slope term, Coriolis, viscosity, SSP-RK2 with semi-implicit Manning friction, walls
and open sides) from the equations of ``docs/numerics.md``, sharing no code with
``twinbench.core``. A few steps of a 2-D basin with a bumpy bed, dry land, a moving bump and
Manning friction must agree to round-off in float64 (and to float32 round-off in float32).
"""

from __future__ import annotations

import importlib.util
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench import core

_PATH = pathlib.Path(__file__).parents[2] / "benchmarks" / "numpy_reference.py"
_spec = importlib.util.spec_from_file_location("numpy_reference", _PATH)
numpy_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(numpy_reference)

N_STEPS = 8


def basin(dtype):
    """A 40 × 28 basin: bumpy sloping bed emerging on the east, a free-surface bump, a current."""
    nx, ny, dx, dy = 40, 28, 50.0, 60.0
    x, y = (np.arange(nx) + 0.5) * dx, (np.arange(ny) + 0.5) * dy
    X, Y = np.meshgrid(x, y)
    depth = 3.0 - 4.0 * X / x.max() + 0.7 * np.cos(Y / 200.0) * np.sin(X / 150.0)
    bed = -depth
    eta = 0.3 * np.exp(-(((X - 700) ** 2 + (Y - 800) ** 2) / 250.0**2))
    h = np.maximum(eta - bed, 0.0)
    wet = h > 1e-6
    hu = np.where(wet, h * (0.2 + 0.1 * np.sin(Y / 300.0)), 0.0)
    hv = np.where(wet, h * 0.1 * np.cos(X / 250.0), 0.0)
    manning = 0.025 + 0.01 * np.sin(X / 400.0) * np.cos(Y / 300.0)
    assert (~wet).sum() > 50 and wet.sum() > 500  # both wet and dry cells
    return {
        k: np.asarray(v, dtype) for k, v in dict(bed=bed, h=h, hu=hu, hv=hv, n=manning).items()
    } | {
        "dx": dx,
        "dy": dy,
    }


@pytest.mark.parametrize(
    ("dtype", "rtol", "sides", "coriolis", "viscosity", "banks"),
    [
        (np.float64, 1e-12, ("wall",) * 4, 0.0, 0.0, "wall"),
        (np.float64, 1e-12, ("wall",) * 4, 0.0, 0.0, "hydrostatic"),
        (np.float64, 1e-12, ("wall", "open", "open", "wall"), 1e-4, 0.5, "wall"),
        (np.float32, 3e-5, ("wall",) * 4, 0.0, 0.0, "wall"),
    ],
)
def test_engine_matches_numpy_reference(dtype, rtol, sides, coriolis, viscosity, banks):
    c = basin(dtype)
    ref = numpy_reference.NumpyShallowWater(
        c["bed"],
        c["dx"],
        c["dy"],
        manning=c["n"],
        coriolis=coriolis,
        viscosity=viscosity,
        sides=sides,
        banks=banks,
    )
    kinds = {"wall": core.Wall(), "open": core.Open()}
    with jax.enable_x64(dtype == np.float64):
        a = lambda v: jnp.asarray(v, dtype)  # noqa: E731
        params = core.default_params(
            a(c["bed"]),
            friction=core.Manning(a(c["n"])),
            coriolis=a(coriolis),
            viscosity=a(viscosity),
            boundaries=core.Boundaries(*(kinds[s] for s in sides)),
            banks=banks,
        )
        grid = core.Grid(nx=c["bed"].shape[1], ny=c["bed"].shape[0], dx=c["dx"], dy=c["dy"])
        state = core.State(a(c["h"]), a(c["hu"]), a(c["hv"]), a(0.0))
        dt = 0.8 * float(core.stable_dt(state, params, grid))
        final = core.run(state, params, grid, dt, N_STEPS)
        got = [np.asarray(final.h), np.asarray(final.hu), np.asarray(final.hv)]
    want = ref.run(c["h"], c["hu"], c["hv"], dt, N_STEPS)
    assert got[0].dtype == want[0].dtype == dtype
    for name, g, w in zip(("h", "hu", "hv"), got, want, strict=True):
        scale = np.max(np.abs(w))
        err = np.max(np.abs(g - w)) / scale
        assert err < rtol, f"{name}: max |jax − numpy| / max |numpy| = {err:.2e}"
    if banks == "wall":  # the beach's straight runs are walls in the reference too
        eta, u, _ = ref.primitive(c["h"], c["hu"], c["hv"])
        zero = np.zeros_like(eta)
        left = [np.concatenate([q[:, :1], q], axis=1) for q in (c["h"], eta, u, zero)]
        right = [np.concatenate([q, q[:, -1:]], axis=1) for q in (c["h"], eta, u, zero)]
        assert sum(int(b.sum()) for b in ref.banks_as_walls(c["h"], eta, left, right)) > 0
    moved = np.max(np.abs(want[0] - c["h"]))
    assert moved > 1e-3  # the case is not trivially at rest
