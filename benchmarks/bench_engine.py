"""Forward throughput of the engine against NumPy and the machine's ceilings, and gradient cost.

One run measures, side by side:

(a) JAX forward throughput (cell-updates/s) of ``core.step`` in a jitted ``lax.scan`` with a
    fixed Δt, on n × n grids in float32 and float64: a wet basin with a bumpy bed and a Manning
    field, enough steps for ≥ ``--seconds`` per measurement, best of ``--repeat``; compile time
    separately;
(b) the plain NumPy implementation of the same scheme (``benchmarks/numpy_reference.py``);
(c) the machine's ceilings: a STREAM-triad bandwidth (one fused JAX kernel ``a = b + s c``, and
    NumPy's two-pass version for reference), fused multiply-add and divide/sqrt rates of one
    fused JAX kernel, the bytes and operations a step needs per cell (counted from the code,
    see ``COUNTS``) → a roofline ceiling and the fraction of it reached;
(d) the gradient: ``jax.value_and_grad`` of η at a point after N steps w.r.t. the Manning field
    and the initial state through ``core.run``, against the forward ``core.run``; peak memory
    of each in a fresh process (``ru_maxrss``, device peak where JAX reports it);
(e) compile times.

Every measurement runs in a fresh subprocess (clean memory, its own x64 setting). Runs
unchanged on a GPU (JAX measurements follow ``jax.devices()``). Usage::

    python benchmarks/bench_engine.py [--quick] [--out docs/performance.md]

With ``--out`` an existing file keeps everything outside the ``<!-- bench:start -->`` /
``<!-- bench:end -->`` markers; the generated report replaces what is between them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pathlib
import platform
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

# Per cell and per step, counted from twinbench/core (see docs/performance.md for the tally):
# the minimal traffic reads h, hu, hv, bed and the Manning field and writes h, hu, hv.
COUNTS = {
    "words_read": 5,
    "words_written": 3,
    "flops": 642,  # add, sub, mul, min, max, abs (compares and selects not counted)
    "div": 34,  # the HLL mass and momentum fluxes are divided by the wave-speed spread each
    "sqrt": 10,
    "exp_log": 4,
}


# ----------------------------------------------------------------------------- the test case


def basin(n: int, dtype_name: str):
    """NumPy arrays of an n × n wet basin (dx = 100 m): bumpy bed 2–8 m deep, a Gaussian
    surface bump, a weak current and a Manning field 0.02–0.04."""
    import numpy as np

    dtype = np.dtype(dtype_name)
    dx = 100.0
    x = (np.arange(n) + 0.5) * dx
    X, Y = np.meshgrid(x, x)
    L = n * dx
    depth = 5.0 + 2.5 * np.cos(2 * np.pi * X / L) * np.sin(3 * np.pi * Y / L)
    bed = -depth
    eta = 0.5 * np.exp(-(((X - 0.3 * L) ** 2 + (Y - 0.5 * L) ** 2) / (0.1 * L) ** 2))
    h = eta - bed
    hu = 0.1 * h * np.sin(np.pi * Y / L)
    hv = 0.05 * h * np.cos(np.pi * X / L)
    manning = 0.03 + 0.01 * np.sin(X / (0.07 * L)) * np.cos(Y / (0.11 * L))
    cast = lambda a: np.ascontiguousarray(a, dtype)  # noqa: E731
    return dict(dx=dx, bed=cast(bed), h=cast(h), hu=cast(hu), hv=cast(hv), manning=cast(manning))


def stable_dt(c) -> float:
    """Half the CFL step of the initial state (as ``core.stable_dt`` would give, × 0.5/0.45)."""
    import numpy as np

    speed = np.abs(c["hu"] / c["h"]) + np.sqrt(9.81 * c["h"])
    return float(0.5 * c["dx"] / (2.0 * speed.max()))


def _engine(c, dtype_name):
    import jax.numpy as jnp

    from twinbench import core

    a = lambda v: jnp.asarray(v, dtype_name)  # noqa: E731
    n = c["h"].shape[0]
    params = core.default_params(a(c["bed"]), friction=core.Manning(a(c["manning"])))
    state = core.State(a(c["h"]), a(c["hu"]), a(c["hv"]), a(0.0))
    grid = core.Grid(nx=n, ny=n, dx=c["dx"], dy=c["dx"])
    return core, grid, params, state


def _maxrss_mb() -> float:
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def _device_peak_mb():
    import jax

    stats = jax.devices()[0].memory_stats() or {}
    peak = stats.get("peak_bytes_in_use")
    return None if peak is None else peak / 2**20


# ----------------------------------------------------------------------------- workers


def work_jax(n: int, dtype_name: str, seconds: float, repeat: int) -> dict:
    import jax
    from jax import lax

    jax.config.update("jax_enable_x64", dtype_name == "float64")
    c = basin(n, dtype_name)
    core, grid, params, state = _engine(c, dtype_name)
    dt = jax.numpy.asarray(stable_dt(c), dtype_name)

    def compiled_scan(steps):
        def fn(state, params, dt):
            body = lambda s, _: (core.step(s, params, grid, dt), None)  # noqa: E731
            return lax.scan(body, state, None, length=steps)[0]

        t0 = time.perf_counter()
        exe = jax.jit(fn).lower(state, params, dt).compile()
        return exe, time.perf_counter() - t0

    def best(exe, reps):
        jax.block_until_ready(exe(state, params, dt))  # warm
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            out = jax.block_until_ready(exe(state, params, dt))
            times.append(time.perf_counter() - t0)
        return min(times), out

    probe, _ = compiled_scan(4)
    per_step = best(probe, 1)[0] / 4
    steps = max(4, math.ceil(seconds / per_step))
    exe, compile_s = compiled_scan(steps)
    t, out = best(exe, repeat)
    finite = bool(jax.numpy.isfinite(out.h).all())
    return dict(
        n=n,
        dtype=dtype_name,
        steps=steps,
        seconds=t,
        rate=n * n * steps / t,
        compile_s=compile_s,
        finite=finite,
    )


def work_numpy(n: int, dtype_name: str, seconds: float) -> dict:
    sys.path.insert(0, str(HERE))
    from numpy_reference import NumpyShallowWater

    c = basin(n, dtype_name)
    model = NumpyShallowWater(c["bed"], c["dx"], c["dx"], manning=c["manning"])
    dt = stable_dt(c)
    state = (c["h"], c["hu"], c["hv"])
    t0 = time.perf_counter()
    state = model.step(*state, dt)  # first step: warm caches and allocator
    first = time.perf_counter() - t0
    steps = max(1, min(50, math.ceil(seconds / first)))
    t0 = time.perf_counter()
    model.run(*state, dt, steps)
    t = time.perf_counter() - t0
    return dict(n=n, dtype=dtype_name, steps=steps, seconds=t, rate=n * n * steps / t)


def work_ceilings(quick: bool) -> dict:
    import jax
    import jax.numpy as jnp
    import numpy as np

    jax.config.update("jax_enable_x64", True)
    out = {}
    size = 2**22 if quick else 2**25  # float32 words per array (16 / 128 MB), beyond the L3

    def timed(fn, *args, reps=5):
        jax.block_until_ready(fn(*args))
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            jax.block_until_ready(fn(*args))
            ts.append(time.perf_counter() - t0)
        return min(ts)

    for name in ("float32", "float64"):
        words = size if name == "float32" else size // 2
        b = jnp.ones(words, name)
        c = jnp.full(words, 0.5, name)
        triad = jax.jit(lambda b, c: b + 3.0 * c)
        t = timed(triad, b, c)
        out[f"triad_jax_{name}"] = 3 * b.nbytes / t  # STREAM convention: 2 reads + 1 write
        del b, c

    b = np.ones(size // 2)
    c = np.full(size // 2, 0.5)
    a = np.empty_like(b)
    ts = []
    for _ in range(5):
        t0 = time.perf_counter()
        np.multiply(c, 3.0, out=a)
        np.add(a, b, out=a)
        ts.append(time.perf_counter() - t0)
    out["triad_numpy_float64"] = 3 * b.nbytes / min(ts)  # STREAM bytes, two passes in NumPy
    del a, b, c

    # Arithmetic: one fused kernel per operation on an L2-resident array, 8 independent chains.
    elems = 2**15
    chains, depth = 8, 32

    def fma_kernel(x):
        total = 0.0
        for k in range(chains):
            y = x + k
            for _ in range(depth):
                y = y * 0.999 + 0.001
            total = total + y
        return total

    def div_kernel(x):
        total = 0.0
        for k in range(chains):
            y = x + k
            for _ in range(depth):
                y = 1.0 / (y + 1.0)
            total = total + y
        return total

    def sqrt_kernel(x):
        total = 0.0
        for k in range(chains):
            y = x + k
            for _ in range(depth):
                y = jnp.sqrt(y + 1.0)
            total = total + y
        return total

    def explog_kernel(x):
        total = 0.0
        for k in range(chains):
            y = x + k
            for _ in range(depth // 2):
                y = jnp.exp(jnp.log(y + 1.0) * 0.3)
            total = total + y
        return total

    for name in ("float32", "float64"):
        x = jnp.linspace(0.1, 1.0, elems, dtype=name)
        inner = 200 if not quick else 20

        def looped(kernel, inner=inner):
            def run(x0):
                return jax.lax.fori_loop(0, inner, lambda i, v: kernel(v) * 1e-3 + x0, x0)

            return jax.jit(run)

        ops = elems * chains * depth * inner
        out[f"fma_flops_{name}"] = 2 * ops / timed(looped(fma_kernel), x, reps=3)
        out[f"div_ops_{name}"] = ops / timed(looped(div_kernel), x, reps=3)
        out[f"sqrt_ops_{name}"] = ops / timed(looped(sqrt_kernel), x, reps=3)
        out[f"explog_ops_{name}"] = ops / timed(looped(explog_kernel), x, reps=3)  # exp + log
    return out


def work_gradient(n: int, steps: int, dtype_name: str, mode: str, adjoint: str) -> dict:
    import equinox as eqx
    import jax

    jax.config.update("jax_enable_x64", dtype_name == "float64")
    c = basin(n, dtype_name)
    core, grid, params, state = _engine(c, dtype_name)
    dt = stable_dt(c)
    probe = (n // 2, n // 3)

    def loss(manning, state):
        p = eqx.tree_at(lambda p: p.friction.coefficient, params, manning)
        final = core.run(state, p, grid, dt, steps, adjoint=adjoint)
        return core.free_surface(final, p)[probe]

    fn = loss if mode == "forward" else jax.value_and_grad(loss, argnums=(0, 1))
    manning = params.friction.coefficient
    base = _maxrss_mb()
    t0 = time.perf_counter()
    exe = jax.jit(fn).lower(manning, state).compile()
    compile_s = time.perf_counter() - t0
    out = jax.block_until_ready(exe(manning, state))
    ts = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = jax.block_until_ready(exe(manning, state))
        ts.append(time.perf_counter() - t0)
    leaves = jax.tree.leaves(out)
    finite = all(bool(jax.numpy.isfinite(x).all()) for x in leaves)
    return dict(
        n=n,
        steps=steps,
        dtype=dtype_name,
        mode=mode,
        adjoint=adjoint,
        seconds=min(ts),
        compile_s=compile_s,
        base_mb=base,
        peak_mb=_maxrss_mb(),
        device_peak_mb=_device_peak_mb(),
        finite=finite,
    )


def work_machine() -> dict:
    import jax

    info = dict(
        python=platform.python_version(),
        jax=jax.__version__,
        backend=jax.default_backend(),
        devices=[f"{d.platform}:{d.device_kind}" for d in jax.devices()],
        cpu_count=os.cpu_count(),
    )
    try:
        import numpy as np

        info["numpy"] = np.__version__
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        fields = dict(
            line.split(":", 1) for line in lscpu.splitlines() if ":" in line and line.strip()
        )
        for key in ("Model name", "CPU(s)", "Thread(s) per core", "L2 cache", "L3 cache"):
            if key in fields:
                info[key] = fields[key].strip()
        info["avx512"] = "avx512f" in fields.get("Flags", "")
    except (OSError, subprocess.SubprocessError):
        pass
    return info


WORKERS = {
    "jax": work_jax,
    "numpy": work_numpy,
    "ceilings": work_ceilings,
    "gradient": work_gradient,
    "machine": work_machine,
}


def spawn(kind: str, timeout: float = 1200, **kwargs) -> dict:
    """Run one worker in a fresh interpreter; its result is the last line it prints."""
    cmd = [
        sys.executable,
        str(pathlib.Path(__file__).resolve()),
        "--worker",
        kind,
        json.dumps(kwargs),
    ]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s", **kwargs}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        message = " / ".join(tail)[-300:] or f"exit status {proc.returncode}"
        return {"error": message, **kwargs}
    result = json.loads(lines[-1])
    print(f"  {kind} {kwargs} → {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return result


# ----------------------------------------------------------------------------- the report


def _si(x: float, unit: str = "") -> str:
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:.3g} {prefix}{unit}"
    return f"{x:.3g} {unit}"


def ceilings(ceil: dict, dtype: str) -> dict:
    """Roofline: memory (triad bandwidth / minimal bytes) and compute (all operation classes
    executed back to back at their measured rates)."""
    word = 4 if dtype == "float32" else 8
    minimal = (COUNTS["words_read"] + COUNTS["words_written"]) * word
    # JAX's triad writes a freshly allocated output (first-touch page faults on CPU); NumPy's
    # reuses its buffer. The better of the two is the machine's bandwidth.
    bandwidth = max(ceil[f"triad_jax_{dtype}"], ceil["triad_numpy_float64"])
    seconds_per_cell = (
        COUNTS["flops"] / ceil[f"fma_flops_{dtype}"]
        + COUNTS["div"] / ceil[f"div_ops_{dtype}"]
        + COUNTS["sqrt"] / ceil[f"sqrt_ops_{dtype}"]
        + COUNTS["exp_log"] / 2 / ceil[f"explog_ops_{dtype}"]
    )
    return dict(
        bytes=minimal,
        memory=bandwidth / minimal,
        compute=1.0 / seconds_per_cell,
        binding=min(bandwidth / minimal, 1.0 / seconds_per_cell),
    )


def report(machine, jax_rows, numpy_rows, ceil, grads, quick, wall, kept_gradient="") -> str:
    lines = [START, ""]
    lines += [
        "## Measured results",
        "",
        f"Generated by `python benchmarks/bench_engine.py{' --quick' if quick else ''}"
        f"{' --no-gradient' if grads is None else ''}` "
        f"on {time.strftime('%Y-%m-%d %H:%M')} in {wall:.0f} s"
        + (" (the gradient table is kept from the previous run)." if grads is None else "."),
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU (`lscpu`) | {machine.get('Model name', '?')}, {machine.get('CPU(s)', '?')} CPUs, "
        f"L2 {machine.get('L2 cache', '?')}, L3 {machine.get('L3 cache', '?')}, "
        f"AVX-512: {machine.get('avx512', '?')} |",
        f"| JAX devices | {', '.join(machine.get('devices', []))} "
        f"(backend {machine.get('backend')}) |",
        f"| Versions | JAX {machine.get('jax')}, NumPy {machine.get('numpy')}, "
        f"Python {machine.get('python')} |",
        "",
    ]
    by = {(r.get("n"), r.get("dtype")): r for r in numpy_rows}
    lines += [
        "### Forward throughput (cell-updates per second)",
        "",
        "| grid | dtype | JAX steps | JAX | NumPy steps | NumPy | JAX / NumPy | compile (s) | "
        "% of roofline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in jax_rows:
        key = (r.get("n"), r.get("dtype"))
        npr = by.get(key, {})
        if "error" in r:
            lines.append(f"| {r['n']}² | {r['dtype']} | failed: {r['error']} | | | | | | |")
            continue
        frac = ""
        if ceil and "error" not in ceil:
            frac = f"{100 * r['rate'] / ceilings(ceil, r['dtype'])['binding']:.1f} %"
        ratio = f"{r['rate'] / npr['rate']:.1f}×" if "rate" in npr else "—"
        np_rate = _si(npr["rate"]) if "rate" in npr else npr.get("error", "—")
        lines.append(
            f"| {r['n']}² | {r['dtype']} | {r['steps']} | **{_si(r['rate'])}** | "
            f"{npr.get('steps', '—')} | {np_rate} | {ratio} | {r['compile_s']:.2f} | {frac} |"
        )
    lines += [""]
    if ceil and "error" not in ceil:
        lines += [
            "### Ceilings",
            "",
            "| | float32 | float64 |",
            "|---|---|---|",
            f"| STREAM triad, one fused JAX kernel `b + 3c` (2 reads + 1 write counted) | "
            f"{_si(ceil['triad_jax_float32'], 'B/s')} | {_si(ceil['triad_jax_float64'], 'B/s')} |",
            f"| same in NumPy (two passes: `c*3` then `+b`, STREAM bytes) | — | "
            f"{_si(ceil['triad_numpy_float64'], 'B/s')} |",
            f"| fused multiply-add (fused JAX kernel, L2-resident) | "
            f"{_si(ceil['fma_flops_float32'], 'flop/s')} | "
            f"{_si(ceil['fma_flops_float64'], 'flop/s')} |",
            f"| divide | {_si(ceil['div_ops_float32'], '/s')} | "
            f"{_si(ceil['div_ops_float64'], '/s')} |",
            f"| square root | {_si(ceil['sqrt_ops_float32'], '/s')} | "
            f"{_si(ceil['sqrt_ops_float64'], '/s')} |",
            f"| exp + log pair | {_si(ceil['explog_ops_float32'], '/s')} | "
            f"{_si(ceil['explog_ops_float64'], '/s')} |",
        ]
        c32, c64 = ceilings(ceil, "float32"), ceilings(ceil, "float64")
        lines += [
            f"| minimal bytes per cell-update ({COUNTS['words_read']} reads + "
            f"{COUNTS['words_written']} writes) | {c32['bytes']} B | {c64['bytes']} B |",
            f"| memory ceiling (best triad / minimal bytes) | {_si(c32['memory'])} | "
            f"{_si(c64['memory'])} |",
            f"| compute ceiling ({COUNTS['flops']} flops + {COUNTS['div']} div + "
            f"{COUNTS['sqrt']} sqrt + {COUNTS['exp_log']} exp/log per cell) | "
            f"{_si(c32['compute'])} | {_si(c64['compute'])} |",
            f"| **binding ceiling** | **{_si(c32['binding'])}** | **{_si(c64['binding'])}** |",
            "",
        ]
    if grads is None:  # --no-gradient: the section of the existing report is kept
        lines += [kept_gradient.rstrip("\n"), "", END] if kept_gradient else [END]
        return "\n".join(lines)
    lines += [
        "### Gradient through `core.run`",
        "",
        "η at one cell after N steps, `jax.value_and_grad` w.r.t. the Manning field and the "
        "initial state, each configuration in a fresh process. Peak = `ru_maxrss` of that "
        "process (includes the JAX baseline `base`, measured after set-up and before compiling).",
        "",
        "| grid | dtype | N | adjoint | forward (s) | value+grad (s) | grad / forward | "
        "compile fwd / grad (s) | peak fwd / grad (MB) | base (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fwd, grad in grads:
        if "error" in fwd or "error" in grad:
            err = fwd.get("error") or grad.get("error")
            lines.append(
                f"| {fwd['n']}² | {fwd['dtype']} | {fwd['steps']} | {fwd['adjoint']} | "
                f"failed: {err} | | | | | |"
            )
            continue
        dev = ""
        if grad.get("device_peak_mb"):
            dev = f" (device {fwd['device_peak_mb']:.0f} / {grad['device_peak_mb']:.0f})"
        lines.append(
            f"| {fwd['n']}² | {fwd['dtype']} | {fwd['steps']} | {fwd['adjoint']} | "
            f"{fwd['seconds']:.3f} | {grad['seconds']:.3f} | "
            f"**{grad['seconds'] / fwd['seconds']:.1f}×** | "
            f"{fwd['compile_s']:.1f} / {grad['compile_s']:.1f} | "
            f"{fwd['peak_mb']:.0f} / {grad['peak_mb']:.0f}{dev} | {grad['base_mb']:.0f} |"
        )
    lines += ["", END]
    return "\n".join(lines)


HEADER = """# Performance

How fast the engine's forward step and its gradient run, against a plain NumPy implementation
of the same scheme and against the machine's ceilings. Regenerate with
`python benchmarks/bench_engine.py --out docs/performance.md` (the block between the markers).

"""


def write(path: pathlib.Path, block: str) -> None:
    text = path.read_text() if path.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = HEADER + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, short runs (smoke test)")
    ap.add_argument("--out", type=pathlib.Path, help="markdown file to write the report into")
    ap.add_argument("--seconds", type=float, help="target duration of one measurement")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--no-gradient",
        action="store_true",
        help="forward and ceilings only; with --out the existing gradient section is kept",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="?", help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)
    if opts.worker:
        print(json.dumps(WORKERS[opts.worker](**json.loads(opts.args or "{}"))))
        return

    t_start = time.perf_counter()
    quick = opts.quick
    sizes = [64] if quick else [128, 256, 512, 1024, 2048]
    seconds = opts.seconds or (0.05 if quick else 1.0)
    repeat = 1 if quick else opts.repeat
    dtypes = ["float32", "float64"]

    machine = spawn("machine")
    # JAX and NumPy of one configuration back to back, so that both see the same host load.
    jax_rows, numpy_rows = [], []
    for d in dtypes:
        for n in sizes:
            jax_rows.append(spawn("jax", n=n, dtype_name=d, seconds=seconds, repeat=repeat))
            numpy_rows.append(spawn("numpy", n=n, dtype_name=d, seconds=seconds))
    ceil = spawn("ceilings", quick=quick)
    if quick:
        grad_cases = [(32, 10, "float32", "hand")]
    else:
        grad_cases = [
            (256, 200, "float32", "hand"),
            (256, 200, "float64", "hand"),
            (256, 200, "float32", "autodiff"),
        ]
    if opts.no_gradient:
        grad_cases = []
    grads = [] if not opts.no_gradient else None
    for n, steps, d, adj in grad_cases:
        kw = dict(n=n, steps=steps, dtype_name=d, adjoint=adj)
        fwd = spawn("gradient", mode="forward", **kw)
        grad = spawn("gradient", mode="grad", **kw)
        for r in (fwd, grad):
            r.setdefault("n", n), r.setdefault("steps", steps), r.setdefault("dtype", d)
            r.setdefault("adjoint", adj)
        grads.append((fwd, grad))

    kept = ""
    if grads is None and opts.out and opts.out.exists():
        text = opts.out.read_text()
        marker = "### Gradient through"
        if START in text and marker in text:
            kept = marker + text.split(START, 1)[1].split(marker, 1)[1].split(END, 1)[0]
    wall = time.perf_counter() - t_start
    block = report(machine, jax_rows, numpy_rows, ceil, grads, quick, wall, kept)
    if opts.out:
        write(opts.out, block)
        print(f"wrote {opts.out}", file=sys.stderr)
    else:
        print(block)


if __name__ == "__main__":
    main()
