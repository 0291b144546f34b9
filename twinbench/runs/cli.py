"""``twinbench runs list|show|rm|resume|restart``, ``twinbench reproduce`` and
``twinbench run --store``: the command-line side of :mod:`twinbench.runs`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from twinbench.io.inputs import InputError

#: Columns of ``twinbench runs list``.
LIST_COLUMNS = ["id", "scenario", "status", "created", "predicted_s", "wall_s", "progress"]


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", help="run root (default $TWINBENCH_RUNS or ~/.twinbench/runs)")
    parser.add_argument("--index", help="index database (default ROOT/index.sqlite)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``runs`` and ``reproduce`` on the ``twinbench`` command's subparsers."""
    runs = sub.add_parser("runs", help="stored runs: list, show, rm, resume, restart")
    verbs = runs.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="list the stored runs, oldest first")
    listing.add_argument("--status", help="only runs with this status")
    _where(listing)
    listing.set_defaults(func=_list)
    for verb, text, func in (
        ("show", "a run's index row and provenance (JSON)", _show),
        ("rm", "delete a run: its folder and its index row", _remove),
        ("resume", "continue an interrupted run from its last checkpoint", _resume),
        ("restart", "run a stored run again from the beginning", _restart),
    ):
        parser = verbs.add_parser(verb, help=text)
        parser.add_argument("run", help="run id (or a unique prefix of it)")
        _where(parser)
        if verb == "rm":
            parser.add_argument("--yes", action="store_true", help="do not ask to confirm")
        if verb in ("resume", "restart"):
            parser.add_argument("-q", "--quiet", action="store_true", help="no progress")
        parser.set_defaults(func=func)
    again = sub.add_parser(
        "reproduce",
        help="re-run a stored run from its folder alone; exit 0 if it matches, 1 if not, 2 on "
        "errors",
    )
    again.add_argument("run", help="run id (or unique prefix), or the path of a run folder")
    again.add_argument("--rtol", type=float, default=1e-5, help="relative tolerance (1e-5)")
    again.add_argument("--atol", type=float, default=1e-6, help="absolute tolerance (1e-6)")
    again.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    _where(again)
    again.set_defaults(func=_reproduce)


def _fail(command: str, err: Exception) -> int:
    print(f"twinbench {command}: error: {err}", file=sys.stderr)
    return 2


def _list(args: argparse.Namespace) -> int:
    from twinbench import runs

    try:
        table = runs.list_runs(args.root, args.status, index=args.index)
    except InputError as err:
        return _fail("runs list", err)
    if table.empty:
        print("no runs")
        return 0
    table = table[LIST_COLUMNS].copy()
    table["created"] = table["created"].dt.strftime("%Y-%m-%d %H:%M:%S")
    print(table.to_string(index=False, float_format="{:.1f}".format))
    return 0


def _show(args: argparse.Namespace) -> int:
    from twinbench import runs

    try:
        record = runs.show(args.run, args.root, index=args.index)
    except InputError as err:
        return _fail("runs show", err)
    print(json.dumps(record, indent=2, default=str))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from twinbench import runs

    try:
        run = runs.get(args.run, args.root, args.index)
        if not args.yes:
            try:
                answer = input(f"remove run {run.id} and its folder {run.folder}? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("kept")
                return 1
        removed = runs.remove(run.id, args.root, index=args.index)
    except InputError as err:
        return _fail("runs rm", err)
    print(f"removed {removed}")
    return 0


def _resume(args: argparse.Namespace) -> int:
    return _again(args, "resume")


def _restart(args: argparse.Namespace) -> int:
    return _again(args, "restart")


def _again(args: argparse.Namespace, verb: str) -> int:
    from twinbench import runs

    go = runs.resume if verb == "resume" else runs.restart
    try:
        run = go(args.run, root=args.root, index=args.index, progress=not args.quiet)
    except InputError as err:
        return _fail(f"runs {verb}", err)
    row = run.row
    print(f"run {run.id} {row['status']} in {row['wall_s']:.1f} s: {run.folder}")
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from twinbench import runs

    try:
        outcome = runs.reproduce(
            args.run,
            rtol=args.rtol,
            atol=args.atol,
            root=args.root,
            index=args.index,
            progress=not args.quiet,
        )
    except (InputError, OSError) as err:
        return _fail("reproduce", err)
    print(outcome)
    return 0 if outcome.matches else 1


def store_run(args: argparse.Namespace) -> int:
    """``twinbench run SCENARIO --store``: launch a stored run (and write ``-o`` too)."""
    from twinbench import runs, scenarios

    try:
        run = runs.launch(
            args.scenario,
            root=args.root,
            duration=args.duration,
            stations=args.stations,
            progress=not args.quiet,
        )
        if args.output:
            with run.open() as result:
                scenarios.write(result.load(), Path(args.output))
    except InputError as err:
        return _fail("run", err)
    row = run.row
    print(
        f"stored run {run.id} in {run.folder} (predicted {row['predicted_s']:.1f} s, "
        f"took {row['wall_s']:.1f} s)" + (f"; wrote {args.output}" if args.output else "")
    )
    return 0
