"""``twinbench catalog list|show|get``: the command-line side of the data catalog."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from twinbench.data.fetch import DataError
from twinbench.io.inputs import InputError


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``catalog`` on the ``twinbench`` command's subparsers."""
    catalog = sub.add_parser("catalog", help="the data catalog: list, show, get")
    verbs = catalog.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="list the entries (name, kind, licence)")
    listing.set_defaults(func=_list)
    show = verbs.add_parser("show", help="an entry's description, licence, attribution, parameters")
    show.add_argument("name", help="entry name (see `twinbench catalog list`)")
    show.set_defaults(func=_show)
    get = verbs.add_parser("get", help="open an entry and write it as CF NetCDF")
    get.add_argument("name", help="entry name")
    get.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an entry parameter; repeat it; lists are comma-separated (bbox=-1.5,44.9,-0.5,45.7)",
    )
    get.add_argument("-o", "--output", required=True, help="output file (.nc)")
    get.set_defaults(func=_get)
    for parser in (listing, show, get):
        parser.add_argument("--catalog", help="a catalog YAML (default: catalogs/twinbench.yaml)")


def _fail(verb: str, err: Exception) -> int:
    print(f"twinbench catalog {verb}: error: {err}", file=sys.stderr)
    return 2


def _list(args: argparse.Namespace) -> int:
    from twinbench.data.catalog import open_catalog

    try:
        cat = open_catalog(args.catalog)
    except InputError as err:
        return _fail("list", err)
    rows = [cat.describe(name) for name in cat.list()]
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['kind']:<7}  {r['license']}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from twinbench.data.catalog import open_catalog

    try:
        info = open_catalog(args.catalog).describe(args.name)
    except InputError as err:
        return _fail("show", err)
    print(f"{info['name']} ({info['kind']})\n\n{info['description']}\n")
    for key in ("service", "endpoint", "credentials", "source", "license", "attribution"):
        if key in info:
            print(f"{key}: {info[key]}")
    if info["parameters"]:
        print("parameters:")
        for name, spec in info["parameters"].items():
            need = "required" if spec.get("required") else f"default {spec.get('default')!r}"
            print(f"  {name} ({spec.get('type', 'str')}, {need}): {spec.get('description', '')}")
    return 0


def parse_params(items: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; a malformed item raises :class:`InputError`.

    >>> parse_params(["station=3", "start=2024-01-01"])
    {'station': '3', 'start': '2024-01-01'}
    """
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param takes KEY=VALUE, got {item!r}")
        params[key.strip()] = value.strip()
    return params


def _get(args: argparse.Namespace) -> int:
    import xarray as xr

    from twinbench.data.catalog import open_catalog

    out = Path(args.output)
    if out.suffix != ".nc":
        return _fail("get", InputError(f"-o {out} must end in .nc"))
    try:
        data = open_catalog(args.catalog).get(args.name, **parse_params(args.param))
    except (InputError, DataError) as err:
        return _fail("get", err)
    if isinstance(data, xr.DataArray):
        ds = data.to_dataset(name=data.name or args.name)
        ds.attrs = dict(data.attrs)
    else:
        ds = data
    out.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(out)
    sizes = ", ".join(f"{k}={v}" for k, v in ds.sizes.items()) or "scalar"
    print(f"wrote {out} ({args.name}: {sizes})\nattribution: {ds.attrs.get('attribution', '')}")
    return 0
