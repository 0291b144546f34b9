"""Slider update time of the what-if scenario builder: run + redraw, coarse Gironde, warm.

A :class:`twinbench.ui.ScenarioBuilder` runs its baseline and one what-if (compiling once),
then each of ``--repeat`` updates moves every slider to new values and times

* run: building the inputs of the new what-ifs (domain, boundaries, forcing) and the compiled
  adaptive run of ``--duration`` with outputs every ``--every``;
* redraw, two ways on the same run, side by side:

  - old: the holoviews views (map with time player, difference map, gauge series) built anew
    and rendered to bokeh models (``hv.render``), plus the JSON of the new document a
    notebook display sends;
  - new (what the widget does): :meth:`ScenarioBuilder.redraw` gives the figures drawn once
    (:class:`twinbench.ui.LiveViews`) the new arrays, plus the patch a notebook push sends
    (``panel.io.model.diff`` of the held document changes).

Also times the sensitivity map (``--sensitivity``): one ``jax.value_and_grad`` through the
fixed-step run, after a spin-up. Usage::

    python benchmarks/bench_ui.py                       # 3 h runs, 30 min outputs, 5 updates
    python benchmarks/bench_ui.py --duration 1h --every 15min --sensitivity
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="3h")
    parser.add_argument("--every", default="30min")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sensitivity", action="store_true")
    args = parser.parse_args()

    import holoviews as hv
    from bokeh.document import Document
    from panel.io.model import add_to_doc, diff

    from twinbench.ui import ScenarioBuilder, sensitivity

    clock = time.perf_counter()
    builder = ScenarioBuilder(duration=args.duration, output_every=args.every)
    builder.baseline()
    builder.set(kelp_density=100.0)
    builder.run()
    live = builder.redraw()  # the first drawing, as the widget's first Run shows it
    document = Document()
    document.hold("combine")  # as a notebook display: changes wait for the push
    add_to_doc(live.pane.get_root(document), document)
    diff(document)
    first = time.perf_counter() - clock
    runs, old_draws, new_draws, old_bytes, new_bytes = [], [], [], [], []
    for k in range(args.repeat):
        builder.set(garonne_factor=0.5 + 0.2 * k, sea_level_rise=0.1 * k, dredge_depth=10.0 + k,
                    kelp_density=50.0 * (k + 1), wind_speed=5.0 * k)  # fmt: skip
        start = time.perf_counter()
        builder.run()
        runs.append(time.perf_counter() - start)

        start = time.perf_counter()
        shown = builder.views("eta")
        model = hv.render(
            hv.Layout([shown["map"], shown["difference"], shown["gauges"]]), backend="bokeh"
        )
        fresh = Document()
        fresh.add_root(model)
        old_bytes.append(len(json.dumps(fresh.to_json(deferred=False))))
        old_draws.append(time.perf_counter() - start)

        start = time.perf_counter()
        builder.redraw()
        patch = diff(document)
        new_draws.append(time.perf_counter() - start)
        new_bytes.append(len(patch.content_json) + sum(len(b.to_bytes()) for b in patch.buffers))
    assert builder.live is live, "the redraw built new figures"
    load = os.getloadavg()[0]
    steps = builder.result.attrs.get("time_steps", "?")
    print(f"coarse Gironde, {args.duration} run, outputs every {args.every}, load {load:.1f}, "
          f"{os.cpu_count()} CPUs; steps per run {steps}")  # fmt: skip
    print(f"first (baseline + what-if + first drawing, compiling): {first:.1f} s")
    med = statistics.median
    print(f"update run:          median {med(runs):.2f} s  (min {min(runs):.2f})")
    print(f"redraw old (rebuild): median {med(old_draws):.3f} s  (min {min(old_draws):.3f}), "
          f"{med(old_bytes) / 1e3:.0f} kB to the browser")  # fmt: skip
    print(f"redraw new (in place): median {med(new_draws):.3f} s  (min {min(new_draws):.3f}), "
          f"{med(new_bytes) / 1e3:.0f} kB to the browser")  # fmt: skip
    for name, draws in (("old", old_draws), ("new", new_draws)):
        total = [r + d for r, d in zip(runs, draws, strict=True)]
        print(f"update total, {name}:  median {med(total):.2f} s  (min {min(total):.2f})")
    if args.sensitivity:
        start = time.perf_counter()
        sensitivity(builder.engine, station="Bordeaux", duration=3600.0, samples=6,
                    spin_up=6 * 3600.0)  # fmt: skip
        cold = time.perf_counter() - start
        start = time.perf_counter()
        sensitivity(builder.engine, station="Bordeaux", duration=3600.0, samples=6,
                    spin_up=6 * 3600.0)  # fmt: skip
        print(f"sensitivity map (1 h window after 6 h spin-up): {cold:.1f} s cold, "
              f"{time.perf_counter() - start:.1f} s warm")  # fmt: skip


if __name__ == "__main__":
    main()
