"""The ``twinbench`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _demo(args: argparse.Namespace) -> int:
    from twinbench.demo import tidal_basin_demo

    netcdf, figure = tidal_basin_demo(Path(args.out))
    print(f"wrote {netcdf}\nwrote {figure}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="twinbench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the tidal-basin example; write NetCDF and a PNG")
    demo.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    demo.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
