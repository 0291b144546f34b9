"""Turn parsed inputs into the engine's Grid, Params and State (the only bridge to core)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from twinbench import core
from twinbench.core.friction import Drag
from twinbench.io.inputs import GridInputs, Table

_FRICTION = {
    "none": core.NoFriction,
    "manning": core.Manning,
    "chezy": core.Chezy,
    "darcy-weisbach": core.DarcyWeisbach,
    "linear": core.Linear,
}


def friction_law(spec: dict, dtype) -> core.FrictionLaw:
    if spec["law"] == "none":
        return core.NoFriction()
    return _FRICTION[spec["law"]](jnp.asarray(spec["coefficient"], dtype))


def drag(spec: dict | None, shape: tuple[int, int], dtype) -> Drag | None:
    """Canopy and pier drag fields (absent parts are zero), or ``None`` without drag."""
    if spec is None:
        return None
    canopy, piers = spec.get("canopy", {}), spec.get("piers", {})

    def field(part: dict, key: str, default: float):
        return jnp.asarray(part.get(key, np.full(shape, default)), dtype)

    return Drag(
        frontal_area=field(canopy, "frontal_area", 0.0),
        height=field(canopy, "height", 1.0),
        drag_coefficient=field(canopy, "drag_coefficient", 1.0),
        piers=field(piers, "coefficient", 0.0),
    )


def boundary(spec: dict, side: str, dtype) -> core.Boundary:
    """The engine's boundary; tables are shaped like the side's faces: (nt, n, 1) on west/east,
    (nt, 1, n) on south/north (n = 1 for a uniform value)."""
    kind = spec["type"]
    if kind == "wall":
        return core.Wall()
    if kind == "open":
        return core.Open()
    west_east = side in ("west", "east")

    def on_faces(a: np.ndarray) -> np.ndarray:  # (m, n) → (m, n, 1) west/east, (m, 1, n) else
        return a[:, :, None] if west_east else a[:, None, :]

    if kind == "tide":
        mean: Table = spec["mean"]
        harmonics = spec["harmonics"]
        return core.Radiating(
            times=jnp.asarray(mean.times, dtype),
            values=jnp.asarray(on_faces(mean.values), dtype),
            omega=jnp.asarray(harmonics["omega"], dtype),
            amplitude=jnp.asarray(on_faces(harmonics["amplitude"]), dtype),
            phase=jnp.asarray(on_faces(harmonics["phase"]), dtype),
            velocity=jnp.zeros(on_faces(np.zeros((1, 1)))[0].shape, dtype),
        )
    table: Table = spec["value"]
    times, values = jnp.asarray(table.times, dtype), jnp.asarray(on_faces(table.values), dtype)
    if kind == "level":
        return core.Level(times, values)
    depth = spec.get("depth")
    return core.Discharge(times, values, None if depth is None else jnp.asarray(depth, dtype))


def interp_rows(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """``np.interp`` of every column of ``fp`` (first axis along increasing ``xp``) at ``x``,
    in one pass: values held constant beyond the ends, as ``np.interp``.

    >>> interp_rows(np.array([0.0, 0.5, 2.0]), np.array([0.0, 1.0]), np.array([[0.0], [2.0]]))
    array([[0.],
           [1.],
           [2.]])
    """
    x = np.clip(x, xp[0], xp[-1])
    right = np.clip(np.searchsorted(xp, x, side="right"), 1, xp.size - 1)
    left = right - 1
    weight = (x - xp[left]) / (xp[right] - xp[left])
    weight = weight.reshape(-1, *([1] * (fp.ndim - 1)))
    return fp[left] * (1.0 - weight) + fp[right] * weight


def surface_forcing(tables: dict[str, Table] | None, shape, dtype) -> core.SurfaceForcing | None:
    """Wind → stress (Wu 1982), all tables resampled on the union of their times."""
    if tables is None:
        return None
    times = np.unique(np.concatenate([t.times for t in tables.values()]))

    def on_common(name: str, default: float) -> np.ndarray:
        if name not in tables:
            return np.full((times.size, 1, 1), default)
        t = tables[name]
        if t.times.size == 1:
            return np.repeat(t.values, times.size, axis=0)
        return interp_rows(times, t.times, t.values)

    if "wind_x" in tables or "wind_y" in tables:
        wx, wy = on_common("wind_x", 0.0), on_common("wind_y", 0.0)
        wx, wy = np.broadcast_arrays(wx, wy)
        speed = np.hypot(wx, wy)
        cd = (0.8 + 0.065 * speed) * 1e-3  # Wu (1982), as core.wind_stress
        sx, sy = 1.225 * cd * speed * wx, 1.225 * cd * speed * wy
    else:
        sx, sy = on_common("stress_x", 0.0), on_common("stress_y", 0.0)
    pressure = on_common("pressure", 101325.0)
    as_array = lambda a: jnp.asarray(a, dtype)  # noqa: E731
    return core.SurfaceForcing(as_array(times), as_array(sx), as_array(sy), as_array(pressure))


def porosity(grid_in: GridInputs, dtype) -> core.Porosity | None:
    """Storage porosity φ (1 where absent) and, when given, the conveyance ψ of the faces."""
    if grid_in.porosity is None and grid_in.conveyance is None:
        return None
    phi = np.ones_like(grid_in.depth) if grid_in.porosity is None else grid_in.porosity
    return core.porosity(phi, dtype, conveyance=grid_in.conveyance)


def max_dt(boundaries: dict[str, Any], forcing: dict[str, Table] | None) -> float:
    """The step must not skip over the features of a boundary or forcing table."""
    tables = [b[key] for b in boundaries.values() for key in ("value", "mean") if key in b]
    spacings = [np.min(np.diff(t.times)) for t in tables if t.times.size > 1]
    if forcing:
        spacings += [np.min(np.diff(t.times)) for t in forcing.values() if t.times.size > 1]
    return float(min(spacings)) if spacings else float("inf")


def build(
    grid_in: GridInputs, physics: dict, boundaries: dict, forcing: dict | None, dtype
) -> tuple[core.Grid, core.Params, core.State]:
    """Grid, Params and initial State in ``dtype`` (call under the matching x64 setting)."""
    ny, nx = grid_in.depth.shape
    grid = core.Grid(nx=nx, ny=ny, dx=float(grid_in.dx), dy=float(grid_in.dy))
    scalar = lambda v: jnp.asarray(v, dtype)  # noqa: E731
    bed = -grid_in.depth
    h = np.maximum(grid_in.eta - bed, 0.0)
    wet = h > physics["dry_depth"]
    params = core.Params(
        bed=jnp.asarray(bed, dtype),
        gravity=scalar(physics["gravity"]),
        friction=friction_law(physics["friction"], dtype),
        coriolis=scalar(physics["coriolis"]),
        viscosity=scalar(physics["viscosity"]),
        dry_depth=scalar(physics["dry_depth"]),
        boundaries=core.Boundaries(**{s: boundary(b, s, dtype) for s, b in boundaries.items()}),
        forcing=surface_forcing(forcing, (ny, nx), dtype),
        cfl=scalar(physics["cfl"]),
        max_dt=scalar(max_dt(boundaries, forcing)),
        drag=drag(physics.get("drag"), (ny, nx), dtype),
        porosity=porosity(grid_in, dtype),
        stages=physics["stages"],
        banks=physics["banks"],
    )
    state = core.State(
        h=jnp.asarray(h, dtype),
        hu=jnp.asarray(np.where(wet, h * grid_in.u, 0.0), dtype),
        hv=jnp.asarray(np.where(wet, h * grid_in.v, 0.0), dtype),
        t=scalar(0.0),
    )
    return grid, params, state
