"""``twinbench forecast``: the command-line side of :mod:`twinbench.forecast`."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``forecast`` on the ``twinbench`` command's subparsers."""
    parser = sub.add_parser(
        "forecast",
        help="forecast the Gironde for the coming days (tide, rivers, weather) → alert table",
    )
    parser.add_argument("--start", help="forecast start, UTC (default: today 00:00; offline: "
                        "the samples' start)")  # fmt: skip
    parser.add_argument("--days", type=float, default=10.0, help="forecast length in days (10)")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use the shipped samples (synthetic values) instead of the services",
    )
    parser.add_argument(
        "--members",
        type=int,
        default=1,
        help="ensemble members over discharge and wind (1: a single run)",
    )
    parser.add_argument("--spinup", default="1D", help="run time before the start (1D)")
    parser.add_argument("--no-salinity", action="store_true", help="no salinity tracer (faster)")
    parser.add_argument("--rules", help="alert rules YAML (default: the shipped Gironde rules)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the ensemble's draws (0)")
    parser.add_argument("--zarr", action="store_true", help="write forecast.zarr, not .nc")
    parser.add_argument("-o", "--out", default="forecast", help="output folder (forecast)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the files written")
    parser.set_defaults(func=_forecast)


def _forecast(args: argparse.Namespace) -> int:
    from twinbench.data.fetch import DataError
    from twinbench.forecast import run_forecast
    from twinbench.io.inputs import InputError

    try:
        result = run_forecast(
            args.start,
            args.days,
            members=args.members,
            offline=args.offline,
            spinup=args.spinup,
            salinity=not args.no_salinity,
            rules=args.rules,
            seed=args.seed,
        )
        written = result.write(args.out, "zarr" if args.zarr else "nc")
    except (InputError, DataError) as err:
        print(f"twinbench forecast: error: {err}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(result.alerts.to_string(index=False) if len(result.alerts) else "no alerts")
        print(result.indicators.to_string(index=False))
    print("\n".join(f"wrote {path}" for path in written))
    return 0
