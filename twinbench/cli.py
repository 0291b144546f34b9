"""The ``twinbench`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _demo(args: argparse.Namespace) -> int:
    from twinbench.demo import gironde_demo, tidal_basin_demo

    if args.case == "tidal-basin":
        written = tidal_basin_demo(Path(args.out))
    else:
        written = gironde_demo(Path(args.out), duration=args.duration)
    print("\n".join(f"wrote {path}" for path in written))
    return 0


def _run(args: argparse.Namespace) -> int:
    from twinbench import scenarios
    from twinbench.io.inputs import InputError

    out = Path(args.output) if args.output else None
    if out is not None and out.suffix not in (".nc", ".zarr"):
        print(f"twinbench run: error: -o {out} must end in .nc or .zarr", file=sys.stderr)
        return 2
    if args.store:
        from twinbench.runs.cli import store_run

        return store_run(args)
    try:
        scenario = scenarios.load(args.scenario)
        result = scenarios.run(
            scenario, duration=args.duration, stations=args.stations, progress=not args.quiet
        )
        out = out or Path(f"{scenario.name}.nc")
        scenarios.write(result, out)
    except InputError as err:
        print(f"twinbench run: error: {err}", file=sys.stderr)
        return 2
    names = ", ".join(result["station_name"].values.tolist()) or "none"
    print(f"wrote {out} ({result.sizes.get('time', 0)} outputs; stations: {names})")
    return 0


def _skill(args: argparse.Namespace) -> int:
    import xarray as xr

    from twinbench.analysis import plot_skill, skill_table, tidal_skill

    try:
        with xr.open_dataset(args.run) as run:
            skill = tidal_skill(run.load(), spin_up=args.spin_up)
    except (OSError, ValueError) as err:
        print(f"twinbench skill: error: {err}", file=sys.stderr)
        return 2
    table = skill_table(skill)
    print(table.to_string())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "skill.csv")
    plot_skill(skill, out / "skill.png")
    print(f"wrote {out / 'skill.csv'} and {out / 'skill.png'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="twinbench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="run the Gironde baseline (or the tidal basin); write NetCDF, PNGs, skill"
    )
    demo.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    demo.add_argument("--case", choices=("gironde", "tidal-basin"), default="gironde")
    demo.add_argument("--duration", default="3D", help="Gironde run length (default 3D)")
    demo.set_defaults(func=_demo)
    run = sub.add_parser(
        "run", help="run a scenario file (YAML) or a shipped scenario by name (e.g. gironde)"
    )
    run.add_argument("scenario", help="SCENARIO.yaml, or the name of a shipped scenario")
    run.add_argument("--duration", help="override the scenario's duration (e.g. 2D, 36h)")
    run.add_argument("--stations", help="CSV of extra virtual gauges: columns name,lat,lon")
    run.add_argument("-o", "--output", help="output file: .nc (NetCDF) or .zarr")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    run.add_argument(
        "--store", action="store_true", help="store it as a run folder listed in the run index"
    )
    run.add_argument("--root", help="with --store: run root (default $TWINBENCH_RUNS)")
    run.set_defaults(func=_run)
    skill = sub.add_parser("skill", help="tidal skill of a run's stations against TICON-4")
    skill.add_argument("run", help="a run written by `twinbench run` (.nc)")
    skill.add_argument("--spin-up", default="1D", help="record start left out (default 1D)")
    skill.add_argument("-o", "--out", default="skill", help="folder for skill.csv, skill.png")
    skill.set_defaults(func=_skill)
    from twinbench.runs.cli import add_commands

    add_commands(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
