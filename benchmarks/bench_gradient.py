"""Cost of a gradient through core.run: hand-written adjoint vs jax.grad (two-level checkpoints).

For each grid (n × n), dtype and adjoint, a fresh subprocess compiles and times

* forward: ``jax.jit`` of a scalar of the final state after ``steps`` fixed steps;
* gradient: ``jax.jit(jax.value_and_grad)`` of it w.r.t. params (bed, Manning field, tide table,
  Coriolis, ...) and the initial state;

and reports the best of ``--repeat`` runs, the compile times, and the peak resident memory of the
process (``ru_maxrss``: it includes the Python/JAX baseline, printed as ``base``) next to the
memory the hand adjoint's stored states take, and XLA's figure for the gradient program's
temporary buffers (``memory_analysis().temp_size_in_bytes``: its peak working set, without the
compiler's own memory, which dominates ``ru_maxrss`` on small grids). Usage::

    python benchmarks/bench_gradient.py            # 64², 128², 256² × float64/float32, 200 steps
    python benchmarks/bench_gradient.py --quick    # 64², 100 steps
    # bounded memory: 200 and 2000 steps beyond a 32 MiB budget for the stored states
    python benchmarks/bench_gradient.py --sizes 128 --dtypes float32 --adjoints hand \
        --steps 200 2000 --budget-mb 32 --jsonl results.jsonl
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


def case(n: int, dtype):
    """A tidal basin: sloping bumpy bed with a dry bank, Manning field, tide on the west side."""
    import jax.numpy as jnp
    import numpy as np

    from twinbench import core

    dx = 100.0
    x = (np.arange(n) + 0.5) * dx
    X, Y = np.meshgrid(x, x)
    depth = 6.0 - 7.0 * X / x.max() + 1.0 * np.cos(Y / (0.1 * n * dx))  # dry on the east
    bed = -depth
    eta = 0.3 * np.exp(-(((X - 0.3 * n * dx) ** 2 + (Y - 0.5 * n * dx) ** 2) / (0.1 * n * dx) ** 2))
    h = np.maximum(eta - bed, 0.0)
    a = lambda z: jnp.asarray(z, dtype)  # noqa: E731
    times = np.linspace(0.0, 44712.0, 25)
    tide = 1.0 * np.sin(2 * np.pi * times / 44712.0)
    params = core.default_params(
        a(bed),
        friction=core.Manning(a(0.025 + 0.005 * np.sin(Y / 700.0))),
        coriolis=a(1e-4),
        viscosity=a(0.1),
        boundaries=core.Boundaries(west=core.Level(a(times), a(tide[:, None, None]))),
    )
    state = core.State(a(h), a(0.0 * h), a(0.0 * h), a(0.0))
    grid = core.Grid(nx=n, ny=n, dx=dx, dy=dx)
    return grid, params, state


def measure(
    n: int, dtype_name: str, steps: int, adjoint: str, repeat: int, budget_mb: float | None = None
) -> dict:
    import resource
    import time

    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", dtype_name == "float64")
    from twinbench import core

    dtype = jnp.float64 if dtype_name == "float64" else jnp.float32
    grid, params, state = case(n, dtype)
    budget = None if budget_mb is None else budget_mb * 2**20
    dt = 0.5 * float(core.stable_dt(state, params, grid))
    weights = jnp.linspace(0.0, 1.0, n * n, dtype=dtype).reshape(n, n)

    def loss(params, state):
        final = core.run(state, params, grid, dt, steps, adjoint=adjoint, memory_budget=budget)
        return jnp.sum(weights * final.h**2) + jnp.sum(final.hu**2)

    maxrss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # noqa: E731
    out = {"n": n, "dtype": dtype_name, "steps": steps, "adjoint": adjoint, "base_mb": maxrss()}

    def timed(fn, key):
        t = time.perf_counter()
        compiled = jax.jit(fn).lower(params, state).compile()
        out[f"{key}_compile_s"] = time.perf_counter() - t
        try:  # XLA's buffer assignment: the program's working memory besides its arguments
            out[f"{key}_temp_mb"] = compiled.memory_analysis().temp_size_in_bytes / 2**20
        except Exception:
            out[f"{key}_temp_mb"] = float("nan")
        jax.block_until_ready(compiled(params, state))  # warm
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            result = jax.block_until_ready(compiled(params, state))
            best = min(best, time.perf_counter() - t)
        out[f"{key}_s"] = best
        return result

    timed(loss, "forward")
    out["forward_mb"] = maxrss()
    _, grads = timed(jax.value_and_grad(loss, argnums=(0, 1)), "gradient")
    out["gradient_mb"] = maxrss()
    out["finite"] = bool(all(jnp.isfinite(g).all() for g in jax.tree.leaves(grads)))
    from twinbench.core import adjoint as hand

    state_bytes = 3 * n * n * jnp.dtype(dtype).itemsize
    segment = hand.segment_length(steps, state_bytes, budget or hand.DEFAULT_MEMORY_BUDGET)
    out["stored_mb"] = (
        (-(-steps // segment) + (segment if segment > 1 else 0)) * state_bytes / 2**20
    )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64² only, 100 steps")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--steps", type=int, nargs="*", default=None)
    parser.add_argument("--dtypes", nargs="*", default=["float64", "float32"])
    parser.add_argument("--adjoints", nargs="*", default=["autodiff", "hand"])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jsonl", help="append each measurement as a JSON line to this file")
    parser.add_argument("--budget-mb", type=float, default=None, help="memory_budget of core.run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(**json.loads(args.child))))
        return
    sizes = args.sizes or ([64] if args.quick else [64, 128, 256])
    step_counts = args.steps or [100 if args.quick else 200]
    header = (
        f"{'grid':>5} {'dtype':>7} {'steps':>5} {'adjoint':>8} | {'fwd s':>7} {'grad s':>7} "
        f"{'ratio':>5} | {'fwd cmp':>7} {'grad cmp':>8} | {'base MB':>7} {'peak MB':>7} "
        f"{'XLA tmp MB':>10} {'states MB':>9}"
    )
    print(header)
    print("-" * len(header))
    for n, steps in ((n, steps) for n in sizes for steps in step_counts):
        for dtype in args.dtypes:
            for adjoint in args.adjoints:
                spec = dict(n=n, dtype_name=dtype, steps=steps, adjoint=adjoint,
                            repeat=args.repeat, budget_mb=args.budget_mb)  # fmt: skip
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", json.dumps(spec)],
                    capture_output=True, text=True,
                )  # fmt: skip
                if proc.returncode:
                    print(f"{n:>5} {dtype:>7} {steps:>5} {adjoint:>8} | failed: "
                          f"{proc.stderr.strip().splitlines()[-1:]}")  # fmt: skip
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                if args.jsonl:
                    with open(args.jsonl, "a") as f:
                        f.write(json.dumps(r) + "\n")
                print(
                    f"{n:>4}² {dtype:>7} {steps:>5} {adjoint:>8} | {r['forward_s']:7.3f} "
                    f"{r['gradient_s']:7.3f} {r['gradient_s'] / r['forward_s']:5.1f} | "
                    f"{r['forward_compile_s']:7.1f} {r['gradient_compile_s']:8.1f} | "
                    f"{r['base_mb']:7.0f} {r['gradient_mb']:7.0f} {r['gradient_temp_mb']:10.1f} "
                    f"{r['stored_mb'] if adjoint == 'hand' else float('nan'):9.0f}"
                    + ("" if r["finite"] else "  NON-FINITE GRADIENT"),
                    flush=True,
                )


if __name__ == "__main__":
    main()
