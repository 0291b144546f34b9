"""``twinbench xynthia``: storm Xynthia's hindcast from the command line — the Bay of Biscay run,
then (unless ``--gironde none``) the Gironde twin nested in it — with the table of modelled vs
observed skew surges at SHOM's gauges."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from twinbench.io.inputs import InputError

#: Where each observed gauge is best read: the nested twin's own gauge if it ran, else the
#: Biscay run's open-coast cell.
NESTED_NAME = {"Pointe de Grave": "Port-Bloc", "Arcachon": "Arcachon"}


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``xynthia`` on the ``twinbench`` command's subparsers."""
    parser = sub.add_parser(
        "xynthia",
        help="storm Xynthia (28 Feb 2010): Bay of Biscay run, the Gironde twin nested in it, "
        "modelled vs observed surges",
    )
    parser.add_argument(
        "--resolution", default="coarse", help="Biscay grid: coarse (10 km), default (5 km), m"
    )
    parser.add_argument(
        "--gironde",
        default="coarse",
        help="nested Gironde grid: coarse (1.5 km), default (500 m), metres, or none",
    )
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    parser.add_argument("-o", "--out", default="xynthia", help="output folder (default: xynthia)")
    parser.set_defaults(func=_xynthia)


def summary(parent_table: pd.DataFrame, nested_table: pd.DataFrame | None) -> pd.DataFrame:
    """One row per observed gauge: the observed skew surge and the model's, read at the nested
    twin's own gauge where it has one (``model``: which run it comes from)."""
    rows = []
    for name, row in parent_table.iterrows():
        inner = NESTED_NAME.get(name)
        if nested_table is not None and inner in nested_table.index:
            rows.append((name, row["observed_m"], nested_table.loc[inner, "modelled_m"],
                         f"Gironde twin ({inner})"))  # fmt: skip
        else:
            rows.append((name, row["observed_m"], row["modelled_m"], "Bay of Biscay"))
    out = pd.DataFrame(rows, columns=["station", "observed_m", "modelled_m", "model"])
    out.insert(3, "ratio", out["modelled_m"] / out["observed_m"])
    return out.set_index("station")


def _xynthia(args: argparse.Namespace) -> int:
    from twinbench.storms.xynthia import xynthia, xynthia_gironde

    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        parent, parent_table = xynthia(args.resolution, dtype=args.dtype)
        nested_table = None
        parent.to_netcdf(out / "biscay-xynthia.nc")
        print(f"Bay of Biscay ({args.resolution}): skew surges (m)")
        print(parent_table[["observed_m", "modelled_m", "ratio"]].round(2).to_string())
        if str(args.gironde).lower() != "none":
            nested, nested_table = xynthia_gironde(args.gironde, parent=parent, dtype=args.dtype)
            nested.to_netcdf(out / "gironde-xynthia.nc")
            print(f"\nGironde twin ({args.gironde}), nested: skew surges (m)")
            print(nested_table[["observed_m", "modelled_m", "ratio"]].round(2).to_string())
    except (OSError, InputError, ValueError) as err:
        print(f"twinbench xynthia: error: {err}", file=sys.stderr)
        return 2
    table = summary(parent_table, nested_table)
    table.round(3).to_csv(out / "surges.csv")
    print("\nModelled vs observed (SHOM) skew surges at the gauges (m)")
    print(table.round(2).to_string())
    rms = float(np.sqrt(np.mean((table["modelled_m"] - table["observed_m"]) ** 2)))
    print(f"\nRMS error {rms:.2f} m; wrote {out}/surges.csv, {out}/biscay-xynthia.nc (its "
          "`surge` is a nested_surge source)" + (", gironde-xynthia.nc" if nested_table is not None
                                                else ""))  # fmt: skip
    return 0


__all__ = ["add_commands", "summary"]
