"""Hand-written adjoint of one step and the reverse loop of :func:`core.run`.

``jax.grad`` through the step works (and is the reference of the tests) but XLA compiles its
transpose slowly and runs it at 7× (two-level checkpointing) to 20× the forward cost. Here the
step is split into the pieces it is made of and each is transposed in the form XLA handles best:

* pointwise maps — primitives, the cell reconstruction given the slopes, the HLL face flux,
  boundary outer states, Coriolis/viscosity/surface sources, the stage update with friction —
  are differentiated with ``jax.vjp`` of the *same* core functions on whole arrays (the backward
  of a pointwise map is pointwise and fuses);
* the flux differences into cells and the concatenation of boundary and interior face states
  are transposed by hand as slices and pads (``f[1:] − f[:-1]`` ↦ ``pad(c, 1, 0) − pad(c, 0, 1)``);
* the Newton solve of a subcritical :class:`Discharge` is differentiated by the implicit
  function theorem on its root (in :mod:`twinbench.core.boundaries`).

The backward of a step recomputes the two stages from the stored step input, then runs the
transposes in reverse. :func:`run` wraps the whole fixed-step loop in a ``jax.custom_vjp``: the
forward pass stores the input of every step (or of every ``segment``-th step, recomputing the
segment in the backward pass), so memory is bounded by the number of stored states.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
from jax import lax

from twinbench.core import terms
from twinbench.core.boundaries import FaceState, Wall
from twinbench.core.fluxes import _flip, _impose_inflow, hll_flux, limited_slope, upwind
from twinbench.core.types import Grid, Params, State

# Default memory for the states stored by the forward pass of a differentiated run (bytes).
DEFAULT_MEMORY_BUDGET = 512 * 2**20


def _add(a, b):
    return jax.tree.map(jnp.add, a, b)


def _pad(a, low: int, high: int, axis: int):
    widths = [(0, 0)] * a.ndim
    widths[axis] = (low, high)
    return jnp.pad(a, widths)


# --------------------------------------------------------------------------------------------
# One stage U ↦ F(U + Δt L(U)) and its backward.
#
# Along each axis the four cell fields (h, eta, un, ut) are stacked into one (4, ny, nx) array so
# that the reconstruction and its transpose are one fused loop, and the face states of both
# axes are flattened into one (4, faces) array so that the HLL flux and its VJP are traced,
# compiled and run once per stage.


class _Axis:
    """Reconstruction and boundary states along one axis (forward values and their VJPs)."""

    def __init__(self, cells, axis, spacing, low, high, t, g):
        self.axis, self.low, self.high = axis, low, high
        self.n = n = cells[0].shape[axis]
        self.inv = 1.0 / spacing
        fax = axis + 1  # the axis in stacked (4, ny, nx) arrays

        def recon(stacked, g):
            slopes = 0.5 * limited_slope(stacked, fax)
            lower, upper = stacked - slopes, stacked + slopes
            bed_slope = -0.5 * g * (lower[0] + upper[0]) * (
                (upper[1] - upper[0]) - (lower[1] - lower[0])
            )
            return lower, upper, bed_slope

        (lower, upper, self.bed_slope), self.recon_vjp = jax.vjp(recon, jnp.stack(cells), g)

        def outer(inner_low, inner_high, low, high, t, g):
            out_low = low.outer(FaceState(*inner_low), t, g)
            out_high = _flip(high.outer(_flip(FaceState(*inner_high)), t, g))
            return (
                jnp.stack([jnp.broadcast_to(o, inner_low.shape[1:]) for o in out_low]),
                jnp.stack([jnp.broadcast_to(o, inner_high.shape[1:]) for o in out_high]),
            )

        inner_low = lax.slice_in_dim(lower, 0, 1, axis=fax)
        inner_high = lax.slice_in_dim(upper, n - 1, n, axis=fax)
        (out_low, out_high), self.outer_vjp = jax.vjp(
            outer, inner_low, inner_high, low, high, t, g
        )
        self.left = jnp.concatenate([out_low, upper], axis=fax)
        self.right = jnp.concatenate([lower, out_high], axis=fax)
        self.face_shape = self.left.shape[1:]

    def impose(self, mass, tangential, left, right, low, high, t):
        """The exact inflow at Discharge faces, as in ``directional_tendency``."""
        if self.low.imposes_inflow or self.high.imposes_inflow:
            mass = _impose_inflow(mass, low, high, t, self.axis, self.n)
            tangential = upwind(mass, left[3], right[3])
        return mass, tangential

    def tendencies(self, fluxes):
        """(dh, dhun, dhut): the flux differences and bed-slope term."""
        mass, normal, tangential, p_left, p_right = fluxes
        n, axis, inv = self.n, self.axis, self.inv
        hi = lambda a: lax.slice_in_dim(a, 1, n + 1, axis=axis)  # noqa: E731
        lo = lambda a: lax.slice_in_dim(a, 0, n, axis=axis)  # noqa: E731
        dh = -(hi(mass) - lo(mass)) * inv
        dhun = (-((hi(normal) + hi(p_left)) - (lo(normal) + lo(p_right))) + self.bed_slope) * inv
        dhut = -(hi(tangential) - lo(tangential)) * inv
        return dh, dhun, dhut

    def flux_cotangents(self, c_dh, c_dhun, c_dhut):
        """Transpose of :meth:`tendencies` w.r.t. the face fluxes: differences of cell
        cotangents onto faces (face j is the high face of cell j−1, the low face of cell j)."""
        axis, inv = self.axis, self.inv
        to_hi = lambda c: _pad(c, 1, 0, axis)  # noqa: E731
        to_lo = lambda c: _pad(c, 0, 1, axis)  # noqa: E731
        return (
            (to_lo(c_dh) - to_hi(c_dh)) * inv,
            (to_lo(c_dhun) - to_hi(c_dhun)) * inv,
            (to_lo(c_dhut) - to_hi(c_dhut)) * inv,
            -to_hi(c_dhun) * inv,
            to_lo(c_dhun) * inv,
        )

    def cell_cotangents(self, ct_left, ct_right, c_dhun):
        """Transpose of the face assembly, boundary states and reconstruction."""
        n, fax = self.n, self.axis + 1
        sl = lambda a, i, j: lax.slice_in_dim(a, i, j, axis=fax)  # noqa: E731
        ct_in_low, ct_in_high, ct_low, ct_high, ct_t, ct_g = self.outer_vjp(
            (sl(ct_left, 0, 1), sl(ct_right, n, n + 1))
        )
        ct_lower = sl(ct_right, 0, n) + _pad(ct_in_low, 0, n - 1, fax)
        ct_upper = sl(ct_left, 1, n + 1) + _pad(ct_in_high, n - 1, 0, fax)
        ct_cells, ct_g2 = self.recon_vjp((ct_lower, ct_upper, c_dhun * self.inv))
        return tuple(ct_cells), ct_low, ct_high, ct_t, ct_g + ct_g2


def _sources(p: terms.Primitive, params: Params, grid: Grid, t):
    """Coriolis, viscosity and surface terms of the momentum tendencies (as in ``tendency``)."""
    cor_u, cor_v = terms.coriolis(p, params)
    visc_u, visc_v = terms.viscosity(p, params, grid)
    su, sv = cor_u + visc_u, cor_v + visc_v
    if params.forcing is not None:
        surf_u, surf_v = terms.surface(p, params, grid, t)
        su, sv = su + surf_u, sv + surf_v
    return su, sv


def _stage_forward(state: State, params: Params, grid: Grid, dt):
    """One stage and the closure mapping the cotangent of its output to (state, params, dt)."""
    from twinbench.core.stepping import _stage  # the stage update with friction, not copied

    p, prim_vjp = jax.vjp(terms.primitive, state, params)
    g = params.gravity
    b = params.boundaries
    t = state.t
    # x: un = u, ut = v; y: un = v, ut = u. An axis one cell long between walls has no flow.
    specs = [
        (name, cells, axis, spacing, low, high)
        for name, cells, axis, spacing, low, high in (
            ("x", (p.h, p.eta, p.u, p.v), 1, grid.dx, b.west, b.east),
            ("y", (p.h, p.eta, p.v, p.u), 0, grid.dy, b.south, b.north),
        )
        if not (cells[0].shape[axis] == 1 and isinstance(low, Wall) and isinstance(high, Wall))
    ]
    axes = {name: _Axis(cells, axis, sp, lo, hi, t, g) for name, cells, axis, sp, lo, hi in specs}

    def faces(lefts, rights, sides, t, g):
        """HLL fluxes of the faces of all axes in one flat array, then the inflow faces."""
        flat = lambda arrays: jnp.concatenate(  # noqa: E731
            [a.reshape(4, -1) for a in arrays], axis=1
        )
        left, right = flat(lefts), flat(rights)
        fluxes = hll_flux(FaceState(*left), FaceState(*right), g)[:5]
        out, offset = [], 0
        for ax, l_, r_, (low, high) in zip(axes.values(), lefts, rights, sides, strict=True):
            size = math.prod(ax.face_shape)
            mass, normal, tangential, p_left, p_right = (
                lax.slice_in_dim(f, offset, offset + size).reshape(ax.face_shape) for f in fluxes
            )
            offset += size
            mass, tangential = ax.impose(mass, tangential, l_, r_, low, high, t)
            out.append((mass, normal, tangential, p_left, p_right))
        return out

    tend = {}
    if axes:
        sides = [(ax.low, ax.high) for ax in axes.values()]
        lefts = [ax.left for ax in axes.values()]
        rights = [ax.right for ax in axes.values()]
        fluxes, faces_vjp = jax.vjp(faces, lefts, rights, sides, t, g)
        tend = {name: ax.tendencies(f) for (name, ax), f in zip(axes.items(), fluxes)}

    (su, sv), src_vjp = jax.vjp(lambda p, params, t: _sources(p, params, grid, t), p, params, t)
    dh, dhu, dhv = jnp.zeros_like(p.h), su, sv
    if "x" in tend:
        dh, dhu, dhv = dh + tend["x"][0], dhu + tend["x"][1], dhv + tend["x"][2]
    if "y" in tend:
        dh, dhu, dhv = dh + tend["y"][0], dhu + tend["y"][2], dhv + tend["y"][1]

    def update(state, tend, params, dt):
        return _stage(state, params, grid, dt, rates=terms.Tendency(*tend, None))

    new, update_vjp = jax.vjp(update, state, (dh, dhu, dhv), params, dt)

    def backward(ct_new: State):
        ct_state, (c_dh, c_dhu, c_dhv), ct_params, ct_dt = update_vjp(ct_new)
        ct_p, ct_params2, ct_t = src_vjp((c_dhu, c_dhv))
        ct_params = _add(ct_params, ct_params2)
        ct_h, ct_eta, ct_u, ct_v = ct_p
        ct_g = jnp.zeros_like(g)
        ct_sides = {n: jax.tree.map(jnp.zeros_like, getattr(b, n)) for n in b.__dataclass_fields__}
        if axes:
            # Cotangents of the tendencies along each axis: (dh, dhun, dhut).
            c_axis = {"x": (c_dh, c_dhu, c_dhv), "y": (c_dh, c_dhv, c_dhu)}
            ct_fluxes = [ax.flux_cotangents(*c_axis[name]) for name, ax in axes.items()]
            ct_lefts, ct_rights, ct_face_sides, ct_t2, ct_g2 = faces_vjp(ct_fluxes)
            ct_t, ct_g = ct_t + ct_t2, ct_g + ct_g2
            names = {"x": ("west", "east"), "y": ("south", "north")}
            for (name, ax), ct_l, ct_r, ct_fs in zip(
                axes.items(), ct_lefts, ct_rights, ct_face_sides, strict=True
            ):
                ct_cells, ct_low, ct_high, ct_t3, ct_g3 = ax.cell_cotangents(
                    ct_l, ct_r, c_axis[name][1]
                )
                ct_t, ct_g = ct_t + ct_t3, ct_g + ct_g3
                lo_name, hi_name = names[name]
                ct_sides[lo_name] = _add(ct_sides[lo_name], _add(ct_low, ct_fs[0]))
                ct_sides[hi_name] = _add(ct_sides[hi_name], _add(ct_high, ct_fs[1]))
                ch, ce, cn, ctg = ct_cells
                if name == "x":
                    cu, cv = cn, ctg
                else:
                    cu, cv = ctg, cn
                ct_h, ct_eta, ct_u, ct_v = ct_h + ch, ct_eta + ce, ct_u + cu, ct_v + cv
        ct_state2, ct_params3 = prim_vjp(terms.Primitive(ct_h, ct_eta, ct_u, ct_v))
        ct_params = _add(ct_params, ct_params3)
        ct_params = _add(
            ct_params,
            _zero_params_with(ct_params, gravity=ct_g, boundaries=type(b)(**ct_sides)),
        )
        ct_state = _add(ct_state, ct_state2)
        ct_state = State(ct_state.h, ct_state.hu, ct_state.hv, ct_state.t + ct_t)
        return ct_state, ct_params, ct_dt

    return new, backward


def _zero_params_with(like: Params, **leaves) -> Params:
    """A params cotangent that is zero except for the given fields."""
    zero = jax.tree.map(jnp.zeros_like, like)
    fields = {f: getattr(zero, f) for f in Params.__dataclass_fields__}
    fields.update(leaves)
    return Params(**fields)


def step_backward(state: State, params: Params, grid: Grid, dt, ct_out: State):
    """Cotangents of (state, params, dt) of one step, from the step input and the cotangent of
    its output (the stages are recomputed)."""
    first, first_bwd = _stage_forward(state, params, grid, dt)
    _, second_bwd = _stage_forward(first, params, grid, dt)
    half = State(0.5 * ct_out.h, 0.5 * ct_out.hu, 0.5 * ct_out.hv, jnp.zeros_like(ct_out.t))
    ct_first, ct_params, ct_dt = second_bwd(half)
    ct_state, ct_params1, ct_dt1 = first_bwd(ct_first)
    ct_state = State(
        ct_state.h + half.h, ct_state.hu + half.hu, ct_state.hv + half.hv, ct_state.t + ct_out.t
    )
    return ct_state, _add(ct_params, ct_params1), ct_dt + ct_dt1 + ct_out.t


# --------------------------------------------------------------------------------------------
# The step and the run as custom VJPs.


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def step(state: State, params: Params, grid: Grid, dt) -> State:
    """:func:`twinbench.core.step` with the hand-written backward."""
    from twinbench.core.stepping import step as plain_step

    return plain_step(state, params, grid, dt)


def _step_fwd(state, params, grid, dt):
    return step(state, params, grid, dt), (state, params, dt)


def _step_bwd(grid, residuals, ct_out):
    state, params, dt = residuals
    return step_backward(state, params, grid, dt, ct_out)


step.defvjp(_step_fwd, _step_bwd)


def segment_length(n_steps: int, state_bytes: int, memory_budget: float) -> int:
    """Steps per stored state: 1 (store every step input) while that fits ``memory_budget``,
    else the shortest segment whose checkpoints plus one recomputed segment fit, at least the
    two-level optimum √n_steps when nothing fits."""
    if n_steps * state_bytes <= memory_budget:
        return 1
    optimum = max(1, math.isqrt(n_steps))
    for s in range(2, optimum + 1):
        if (math.ceil(n_steps / s) + s) * state_bytes <= memory_budget:
            return s
    return optimum


def run(
    state: State, params: Params, grid: Grid, dt, n_steps: int, segment: int = 1
) -> State:
    """``n_steps`` steps of ``dt`` whose reverse mode uses :func:`step_backward`.

    The forward pass stores the input of every ``segment``-th step; the backward pass recomputes
    the other inputs of a segment, then runs the step adjoints in reverse.
    """
    return _run(grid, n_steps, segment, state, params, dt)


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1, 2))
def _run(grid, n_steps, segment, state, params, dt):
    from twinbench.core.stepping import step as plain_step

    def one(s, _):
        return plain_step(s, params, grid, dt), None

    return lax.scan(one, state, None, length=n_steps)[0]


def _masked(segment, n_steps):
    """Whether steps of a ``segment``-step loop need a mask: the last segment is shorter."""
    return n_steps % segment != 0


def _run_fwd(grid, n_steps, segment, state, params, dt):
    from twinbench.core.stepping import step as plain_step

    segments = -(-n_steps // segment)
    masked = _masked(segment, n_steps)

    def block(s, index):
        def one(s, k):
            if not masked:
                return plain_step(s, params, grid, dt), None
            valid = index * segment + k < n_steps
            return lax.cond(valid, lambda s: plain_step(s, params, grid, dt), lambda s: s, s), None

        return lax.scan(one, s, jnp.arange(segment))[0], s

    final, starts = lax.scan(block, state, jnp.arange(segments))
    return final, (starts, params, dt)


def _run_bwd(grid, n_steps, segment, residuals, ct_final):
    """Reverse sweep: for each stored state (last first), recompute the inputs of its segment,
    then apply the step adjoints in reverse. A shorter last segment is masked, so the step and
    its adjoint are compiled once."""
    from twinbench.core.stepping import step as plain_step

    starts, params, dt = residuals
    segments = -(-n_steps // segment)
    masked = _masked(segment, n_steps)

    def reverse_segment(carry, xs):
        start, index = xs
        if segment > 1:

            def one(s, k):
                if not masked:
                    return plain_step(s, params, grid, dt), s
                valid = index * segment + k < n_steps
                new = lax.cond(valid, lambda s: plain_step(s, params, grid, dt), lambda s: s, s)
                return new, s

            _, inputs = lax.scan(one, start, jnp.arange(segment - 1))
            inputs = jax.tree.map(lambda a, b: jnp.concatenate([a[None], b]), start, inputs)
        else:
            inputs = jax.tree.map(lambda a: a[None], start)

        def back(carry, xs):
            s, k = xs
            ct_state, ct_params, ct_dt = carry

            def adjoint(ct_state):
                return step_backward(s, params, grid, dt, ct_state)

            if masked:
                valid = index * segment + k < n_steps
                zeros = (jax.tree.map(jnp.zeros_like, params), jnp.zeros_like(dt))
                ct_s, ct_p, ct_d = lax.cond(
                    valid, adjoint, lambda ct: (ct, *zeros), ct_state
                )
            else:
                ct_s, ct_p, ct_d = adjoint(ct_state)
            return (ct_s, _add(ct_params, ct_p), ct_dt + ct_d), None

        return lax.scan(back, carry, (inputs, jnp.arange(segment)), reverse=True)[0], None

    carry = (ct_final, jax.tree.map(jnp.zeros_like, params), jnp.zeros_like(dt))
    ct_state, ct_params, ct_dt = lax.scan(
        reverse_segment, carry, (starts, jnp.arange(segments)), reverse=True
    )[0]
    return ct_state, ct_params, ct_dt


_run.defvjp(_run_fwd, _run_bwd)
