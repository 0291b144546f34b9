"""Running a scenario as a stored run: :func:`launch`, :func:`resume`, :func:`restart` (the
execution itself is :mod:`twinbench.runs.execution`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from twinbench.io.inputs import InputError
from twinbench.runs import provenance, store
from twinbench.runs.catalog import Run, check_idle, open_index, this_process
from twinbench.runs.execution import TakenOver, execute
from twinbench.runs.index import Index
from twinbench.runs.prediction import domain_key, scenario_with
from twinbench.scenarios import runner
from twinbench.scenarios.scenario import Scenario, load, shipped


def _source_file(source: Any) -> Path | None:
    """The YAML file a scenario came from (None for dicts and Scenario objects)."""
    if isinstance(source, Scenario | Mapping):
        return None
    path = Path(source)
    if not path.exists() and path.suffix == "" and "/" not in str(source):
        path = shipped(str(source))
    return path.resolve()


def _chunk(checkpoint_every: Any) -> int:
    if checkpoint_every is None:
        return store.DEFAULT_CHUNK
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int):
        raise InputError(
            f"checkpoint_every must be a whole number of outputs, got {checkpoint_every!r}"
        )
    if checkpoint_every < 1:
        raise InputError(f"checkpoint_every must be ≥ 1 output, got {checkpoint_every}")
    return checkpoint_every


def launch(
    scenario: Scenario | str | Path | Mapping,
    *,
    root: str | Path | None = None,
    index: str | Path | None = None,
    duration: Any = None,
    stations: str | Path | None = None,
    name: str | None = None,
    progress: bool | Callable[[float, float, float], None] = False,
    checkpoint_every: int | None = None,
) -> Run:
    """Run a scenario and store it as a run folder listed in the index.

    Parameters
    ----------
    scenario : Scenario, path, shipped name or dict
        What :func:`twinbench.scenarios.run` accepts.
    root : path, optional
        Run root (default ``$TWINBENCH_RUNS``, else ``~/.twinbench/runs``).
    index : path, optional
        Index database (default ``<root>/index.sqlite``).
    duration : float or str, optional
        Overrides the scenario's duration (s, or ``"6h"``); the stored scenario says so.
    stations : path, optional
        CSV of extra gauges (``name,lat,lon``); a copy is stored with the run.
    name : str, optional
        Prefix of the run id (letters, digits, ``_.-``).
    progress : bool or callable
        Print progress to stderr, or call ``progress(done_s, total_s, elapsed_s)``.
    checkpoint_every : int, optional
        Outputs per chunk: the state is saved after each (default 24).

    Returns
    -------
    Run
        The completed run. A run that raises is stored as ``failed`` and the error re-raised.

    Examples
    --------
    ::

        run = twinbench.runs.launch("gironde", duration="2D", name="baseline")
        run.status, run.row["wall_s"], run.open().station_eta
    """
    return _launch(
        scenario,
        root=root,
        index=index,
        duration=duration,
        stations=stations,
        name=name,
        progress=progress,
        checkpoint_every=checkpoint_every,
    )


def _launch(
    scenario: Any,
    *,
    root: Any,
    index: Any,
    duration: Any,
    stations: Any,
    name: Any,
    progress: Any,
    checkpoint_every: Any,
    parent: str | None = None,
) -> Run:
    root_path = store.resolve_root(root)
    db = Index(store.index_path(root_path, index))
    source = _source_file(scenario)
    checked = scenario_with(scenario, duration)
    chunk = _chunk(checkpoint_every)
    if stations is not None and not Path(stations).is_file():
        raise InputError(f"stations file {str(stations)!r} does not exist")
    run_id = store.new_run_id(name)
    folder = root_path / run_id
    folder.mkdir(parents=True)
    text = yaml.safe_dump(checked.document, sort_keys=False, allow_unicode=True)
    store.write_atomic(folder / "scenario.yaml", text.encode())
    if stations is not None:
        shutil.copyfile(stations, folder / "stations.csv")
    record = {
        "run_id": run_id,
        "name": name,
        "scenario": checked.name,
        "status": "queued",
        "parent": parent,
        "source": None if source is None else str(source),
        "inputs": {} if source is None else {f"source:{source}": provenance.sha256(source)},
        "checkpoint_every": chunk,
        "executions": [],
    }
    store.write_json(folder / "provenance.json", record)
    db.insert(
        {
            "id": run_id,
            "name": name,
            "scenario": checked.name,
            "domain": domain_key(checked),
            "dtype": checked.dtype,
            "status": "queued",
            "created": provenance.utc_now(),
            "folder": str(folder),
            "duration_s": checked.duration,
            "parent": parent,
            "resumes": 0,
            "progress": 0.0,
            **this_process(),
        }
    )
    return execute(db, run_id, folder, progress=progress, claim_from="queued", predicted=False)


#: What ``provenance.json`` holds before a run's first execution (kept by a restart).
LAUNCH_RECORD = ("run_id", "name", "scenario", "parent", "source", "inputs", "checkpoint_every")


def _tracers_like(scenario: Scenario) -> Any:
    """The tracer pytree of a scenario's model (its structure unflattens a checkpoint)."""
    return runner.model_for(scenario)[0].tracer_state if scenario.tracers else None


def resume(
    run_id: str,
    *,
    root: str | Path | None = None,
    index: str | Path | None = None,
    progress: bool | Callable[[float, float, float], None] = False,
) -> Run:
    """Continue an interrupted (or failed) run from its last checkpoint; write its complete
    output, equal to that of an uninterrupted run.

    Raises
    ------
    InputError
        If the run is complete, still running, or stopped before its first checkpoint (then
        :func:`restart` it).
    """
    db = open_index(root, index)
    row = db.get(run_id)
    if row["status"] == "completed":
        raise InputError(f"run {row['id']!r} is already completed; nothing to resume")
    check_idle(row, "resume")
    folder = Path(row["folder"])
    if not (folder / store.CHECKPOINT).exists():
        raise InputError(
            f"run {row['id']!r} stopped before its first checkpoint; restart it instead"
        )
    like = _tracers_like(load(folder / "scenario.yaml"))
    saved = store.load_checkpoint(folder, like)
    pieces = store.load_pieces(folder, saved["pieces"], like)
    initial = (saved["state"], saved["tracers"], saved["output_index"], pieces)
    db.update(row["id"], resumes=(row["resumes"] or 0) + 1)
    return execute(
        db,
        row["id"],
        folder,
        progress=progress,
        claim_from=row["status"],
        predicted=True,
        initial=initial,
    )


def restart(
    run_id: str,
    *,
    root: str | Path | None = None,
    index: str | Path | None = None,
    progress: bool | Callable[[float, float, float], None] = False,
) -> Run:
    """Run a stored run again from the beginning, in its own folder (same id)."""
    db = open_index(root, index)
    row = db.get(run_id)
    check_idle(row, "restart")
    folder = Path(row["folder"])
    if not db.update(
        row["id"], only_if={"status": row["status"]}, status="queued", **this_process()
    ):
        raise TakenOver(f"run {row['id']!r} was taken over by another process")
    shutil.rmtree(folder / store.OUTPUT, ignore_errors=True)
    store.clear_progress(folder)
    record = store.read_json(folder / "provenance.json")
    kept = {key: record[key] for key in LAUNCH_RECORD}
    store.write_json(folder / "provenance.json", kept | {"status": "queued", "executions": []})
    db.update(
        row["id"],
        wall_s=None,
        steps=None,
        stepping_s=None,
        predict_s=None,
        progress=0.0,
        resumes=0,
        error=None,
    )
    return execute(db, row["id"], folder, progress=progress, claim_from="queued", predicted=False)
