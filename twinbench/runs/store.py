"""Run folders on disk: where they live, their ids, atomic writes, checkpoints and the chunks
of output saved while a run goes.

A run folder ``<root>/<run_id>/`` holds ``scenario.yaml`` (the document run),
``stations.csv`` (a copy of the extra gauges, if any), ``provenance.json``, ``log.txt``,
``output.zarr`` (only once complete) and, while the run goes, ``checkpoint.npz`` (the engine
state) and ``partial/chunk-NNNNN.npz`` (the outputs of each chunk done).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

import jax
import numpy as np

from twinbench import core
from twinbench.io.inputs import InputError

#: Environment variable naming the default run root.
ROOT_VARIABLE = "TWINBENCH_RUNS"
INDEX_NAME = "index.sqlite"
OUTPUT = "output.zarr"
CHECKPOINT = "checkpoint.npz"
PARTIAL = "partial"
#: Outputs per chunk (and checkpoint) unless a run says otherwise.
DEFAULT_CHUNK = 24
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def resolve_root(root: str | Path | None = None) -> Path:
    """The run root: ``root``, else ``$TWINBENCH_RUNS``, else ``~/.twinbench/runs``."""
    if root is None:
        root = os.environ.get(ROOT_VARIABLE) or Path.home() / ".twinbench" / "runs"
    return Path(root).expanduser().resolve()


def index_path(root: Path, index: str | Path | None = None) -> Path:
    """The index database: ``index`` if given, else ``<root>/index.sqlite``."""
    return Path(index).expanduser().resolve() if index is not None else root / INDEX_NAME


def new_run_id(name: str | None = None) -> str:
    """A sortable, unique id: ``[name-]YYYYmmddTHHMMSS.ffffffZ-xxxxxx`` (UTC, random hex).

    >>> new_run_id("baseline").startswith("baseline-")
    True
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    run_id = f"{stamp}-{secrets.token_hex(3)}"
    if name is None:
        return run_id
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            "run name must be 1-64 letters, digits, '_', '.' or '-' (starting with a letter "
            f"or digit), got {name!r}"
        )
    return f"{name}-{run_id}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place (never partial)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(tmp, path)


def write_json(path: Path, value: dict) -> None:
    """Atomic JSON file (indented, keys in insertion order)."""
    write_atomic(path, (json.dumps(value, indent=2, default=str) + "\n").encode())


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read {str(path)!r}: {err}") from None


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Atomic ``.npz`` of named arrays."""
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def replace_tree(source: Path, target: Path) -> None:
    """Move folder ``source`` to ``target``, replacing any folder there."""
    if target.exists():
        trash = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
        os.replace(target, trash)
        os.replace(source, target)
        shutil.rmtree(trash)
    else:
        os.replace(source, target)


def _leaves(prefix: str, tree: Any) -> dict[str, np.ndarray]:
    if tree is None:
        return {}
    return {f"{prefix}{k:03d}": np.asarray(a) for k, a in enumerate(jax.tree.leaves(tree))}


def _unflatten(prefix: str, arrays: dict[str, np.ndarray], like: Any) -> Any:
    if like is None:
        return None
    count = len(jax.tree.leaves(like))
    leaves = [arrays[f"{prefix}{k:03d}"] for k in range(count)]
    return jax.tree.unflatten(jax.tree.structure(like), leaves)


def save_checkpoint(
    folder: Path, state: core.State, tracers: Any, output_index: int, pieces: int, chunk: int
) -> None:
    """The engine state after ``output_index`` outputs (and ``pieces`` saved chunks)."""
    arrays = {k: np.asarray(getattr(state, k)) for k in ("h", "hu", "hv", "t")}
    arrays |= _leaves("tracer_", tracers)
    arrays |= {"output_index": np.int64(output_index), "pieces": np.int64(pieces)}
    save_npz(folder / CHECKPOINT, arrays | {"chunk": np.int64(chunk)})


def load_checkpoint(folder: Path, tracers_like: Any) -> dict[str, Any]:
    """``{state, tracers, output_index, pieces, chunk}`` from a run's checkpoint."""
    path = folder / CHECKPOINT
    if not path.exists():
        raise InputError(f"run folder {str(folder)!r} has no checkpoint to resume from")
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    state = core.State(*(arrays[k] for k in ("h", "hu", "hv", "t")))
    return {
        "state": state,
        "tracers": _unflatten("tracer_", arrays, tracers_like),
        "output_index": int(arrays["output_index"]),
        "pieces": int(arrays["pieces"]),
        "chunk": int(arrays["chunk"]),
    }


def save_piece(folder: Path, index: int, piece: dict) -> None:
    """The outputs of chunk ``index`` (as :func:`twinbench.scenarios.run` hands them over)."""
    arrays: dict[str, np.ndarray] = {"steps": np.int64(piece["steps"]), "series": piece["series"]}
    if piece["fields"] is not None:
        arrays |= {
            f"field_{k}": np.asarray(getattr(piece["fields"], k)) for k in ["h", "hu", "hv", "t"]
        }
    arrays |= _leaves("tracer_field_", piece["tracer_fields"])
    arrays |= {f"tracer_series_{name}": v for name, v in piece["tracer_series"].items()}
    (folder / PARTIAL).mkdir(exist_ok=True)
    save_npz(folder / PARTIAL / f"chunk-{index:05d}.npz", arrays)


def load_pieces(folder: Path, count: int, tracers_like: Any) -> list[dict]:
    """The first ``count`` saved chunks of a run, as the runner's ``initial`` pieces."""
    pieces = []
    for index in range(count):
        path = folder / PARTIAL / f"chunk-{index:05d}.npz"
        if not path.exists():
            raise InputError(f"run folder {str(folder)!r} misses its saved chunk {path.name}")
        with np.load(path) as data:
            arrays = {key: data[key] for key in data.files}
        fields = None
        if "field_h" in arrays:
            fields = core.State(*(arrays[f"field_{k}"] for k in ("h", "hu", "hv", "t")))
        tracer_fields = None
        if "tracer_field_000" in arrays:
            tracer_fields = _unflatten("tracer_field_", arrays, tracers_like)
        pieces.append(
            {
                "steps": int(arrays["steps"]),
                "series": arrays["series"],
                "fields": fields,
                "tracer_fields": tracer_fields,
                "tracer_series": {
                    key.removeprefix("tracer_series_"): value
                    for key, value in arrays.items()
                    if key.startswith("tracer_series_")
                },
            }
        )
    return pieces


def clear_progress(folder: Path) -> None:
    """Remove a run's checkpoint, saved chunks and any output left half-written under its
    temporary name by a killed process (after completion, or for a restart)."""
    (folder / CHECKPOINT).unlink(missing_ok=True)
    shutil.rmtree(folder / PARTIAL, ignore_errors=True)
    for leftover in folder.glob(".output-*.zarr"):
        shutil.rmtree(leftover, ignore_errors=True)
