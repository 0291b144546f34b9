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


def _serve(args: argparse.Namespace) -> int:
    from twinbench.dashboard import serve
    from twinbench.io.inputs import InputError

    try:
        serve(
            args.root,
            port=args.port,
            address=args.address,
            workers=args.workers,
            scheduler=args.scheduler,
            origins=args.allow_websocket_origin,
        )
    except InputError as err:
        print(f"twinbench serve: error: {err}", file=sys.stderr)
        return 2
    return 0


def _report(args: argparse.Namespace) -> int:
    from twinbench.analysis import report
    from twinbench.io.inputs import InputError

    try:
        result = report(
            args.run,
            args.obs or None,
            ticon=True if args.ticon else None,
            out=args.out,
            spin_up=args.spin_up,
            crs=args.crs,
            root=args.root,
            index=args.index,
        )
    except (OSError, InputError) as err:
        print(f"twinbench report: error: {err}", file=sys.stderr)
        return 2
    print(result.table.drop(columns="source").round(4).to_string())
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {len(result.files)} files to {args.out} (report.md, skill.csv, PNGs)")
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
    rep = sub.add_parser(
        "report", help="a run against observations: skill table, harmonics, figures (report.md)"
    )
    rep.add_argument("run", help="a run id of `twinbench runs`, or a run's NetCDF/zarr output")
    rep.add_argument(
        "--obs", action="append", help="gauge series: CF NetCDF (station, time) or CSV; repeatable"
    )
    rep.add_argument(
        "--ticon", action="store_true", help="add the TICON-4 tide at the gauges (if no --obs: on)"
    )
    rep.add_argument("--spin-up", default="1D", help="run start left out (default 1D)")
    rep.add_argument("--crs", help="CRS of the run's x/y if it carries none (e.g. EPSG:2154)")
    rep.add_argument("--root", help="run root for a run id (default $TWINBENCH_RUNS)")
    rep.add_argument("--index", help="index database for a run id")
    rep.add_argument("-o", "--out", default="report", help="output folder (default: report)")
    rep.set_defaults(func=_report)
    serve = sub.add_parser("serve", help="the simulation dashboard (a Panel web app)")
    serve.add_argument("--root", help="run root (default $TWINBENCH_RUNS or ~/.twinbench/runs)")
    serve.add_argument("--port", type=int, default=5006, help="TCP port (default 5006)")
    serve.add_argument(
        "--address",
        default="127.0.0.1",
        help="interface to bind (default 127.0.0.1; any other prints a warning: no login)",
    )
    serve.add_argument("--workers", type=int, default=2, help="local Dask workers (default 2)")
    serve.add_argument("--scheduler", help="address of a running Dask scheduler instead")
    serve.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="another origin the page may be opened from (e.g. a reverse proxy); repeatable",
    )
    serve.set_defaults(func=_serve)
    from twinbench.runs.cli import add_commands

    add_commands(sub)
    from twinbench.data.cli import add_commands as add_catalog_commands

    add_catalog_commands(sub)
    from twinbench.forecast.cli import add_commands as add_forecast

    add_forecast(sub)
    from twinbench.storms.cli import add_commands as add_storms

    add_storms(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
