"""Executing a stored run: claim it, save a checkpoint after every chunk, write the output
under a temporary name and rename it into place, record the outcome in the index.

A run is registered ``queued``, predicted, then ``running``: after every chunk of outputs it
saves that chunk and the engine state (``checkpoint.npz``) and beats its heartbeat in the index.
The output is written under a temporary name and renamed to ``output.zarr`` when complete; only
then is the run ``completed``. An exception marks it ``failed`` (Ctrl-C: ``interrupted``); a
killed process leaves a ``running`` row that the next index read turns ``interrupted``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from twinbench.api import output_times
from twinbench.io.inputs import InputError
from twinbench.runs import provenance, store
from twinbench.runs.catalog import Run, this_process
from twinbench.runs.index import Index
from twinbench.runs.prediction import predict
from twinbench.scenarios import runner
from twinbench.scenarios.scenario import Scenario, load


class TakenOver(InputError):
    """Another process claimed the run first (its row is left to that process)."""


def _log(stream: TextIO, message: str) -> None:
    stream.write(f"{provenance.utc_now()} {message}\n")
    stream.flush()


def _reporter(stream: TextIO, progress: Any) -> Callable[[float, float, float], None]:
    def report(done: float, total: float, elapsed: float) -> None:
        line = (
            f"simulated {done / 3600:.2f} of {total / 3600:.2f} h "
            f"({100 * done / total if total else 100:.0f} %), {elapsed:.1f} s elapsed"
        )
        _log(stream, line)
        if callable(progress):
            progress(done, total, elapsed)
        elif progress:
            print(f"  {line}", file=sys.stderr, flush=True)

    return report


def execute(
    db: Index,
    run_id: str,
    folder: Path,
    *,
    progress: Any,
    claim_from: str,
    predicted: bool,
    initial: tuple | None = None,
) -> Run:
    """Run the stored scenario of a run folder (from ``initial`` when resuming). The wall time
    counts from here: prediction (which compiles the run's program), run and output."""
    clock = time.perf_counter()
    scenario = load(folder / "scenario.yaml")
    stations = folder / "stations.csv" if (folder / "stations.csv").exists() else None
    record = store.read_json(folder / "provenance.json")
    chunk = int(record["checkpoint_every"])
    prior_wall = (db.get(run_id)["wall_s"] or 0.0) if initial is not None else 0.0
    with open(folder / "log.txt", "a", encoding="utf-8") as log:
        try:
            if not predicted:
                prediction = predict(scenario, index=db.path, checkpoint_every=chunk)
                # Setup, compile and probe are behind us: what remains is predicted.
                spent = time.perf_counter() - clock
                expected = spent + prediction.integration_s + prediction.finish_s
                db.update(
                    run_id,
                    predicted_s=expected,
                    predict_s=spent,
                    cells=prediction.cells,
                    dt0_s=prediction.dt0,
                )
                record["prediction"] = dataclasses.asdict(prediction)
                line = f"predicted {prediction}; this launch ~{expected:.1f} s in all"
                _log(log, line)
                if progress is True:
                    print(f"  {line}", file=sys.stderr, flush=True)
            _begin(db, run_id, folder, record, scenario, stations, claim_from, initial, log)
            timing = (clock, prior_wall)
            report = _reporter(log, progress)
            out, stamps = _integrate(
                db, run_id, folder, scenario, stations, chunk, report, initial, timing
            )
        except TakenOver:
            raise
        except KeyboardInterrupt:
            _stop(db, run_id, folder, record, "interrupted", "KeyboardInterrupt: stopped", log)
            raise
        except BaseException as err:
            _log(log, traceback.format_exc().rstrip())
            _stop(db, run_id, folder, record, "failed", f"{type(err).__name__}: {err}", log)
            raise
        _finish(
            db,
            run_id,
            folder,
            record,
            out,
            stamps,
            prior_wall + time.perf_counter() - clock,
            prior_wall,
            log,
        )
    return Run(run_id, folder, db.path)


def _begin(
    db: Index,
    run_id: str,
    folder: Path,
    record: dict,
    scenario: Scenario,
    stations: Path | None,
    claim_from: str,
    initial: tuple | None,
    log: TextIO,
) -> None:
    """Claim the run for this process (compare-and-set on its status); write provenance."""
    started = provenance.utc_now()
    claimed = db.update(
        run_id,
        only_if={"status": claim_from},
        status="running",
        started=started,
        heartbeat=started,
        finished=None,
        error=None,
        **this_process(),
    )
    if not claimed:
        raise TakenOver(f"run {run_id!r} was taken over by another process")
    resumed = None if initial is None else initial[2]
    _log(
        log,
        f"run {run_id} started by process {os.getpid()} on {provenance.host()}"
        + ("" if resumed is None else f", resumed at output {resumed}"),
    )
    inputs = {"scenario.yaml": folder / "scenario.yaml"}
    if stations is not None:
        inputs["stations.csv"] = stations
    versions = provenance.versions()
    record |= {
        "status": "running",
        "twinbench_version": versions["twinbench"],
        "versions": versions,
        "git": provenance.git_revision(),
        "inputs": {**record["inputs"], **provenance.input_hashes(scenario, inputs)},
        "device": provenance.device(),
        "dtype": scenario.dtype,
        "host": provenance.host(),
        "pid": os.getpid(),
    }
    record.setdefault("started_utc", started)
    # The machine's load (1, 5, 15 min) says how much of it the run had: timings need it.
    record["executions"].append(
        {"started_utc": started, "resumed_at_output": resumed, "load_average": os.getloadavg()}
    )
    store.write_json(folder / "provenance.json", record)


def _finish(
    db: Index,
    run_id: str,
    folder: Path,
    record: dict,
    out: Any,
    stamps: list,
    wall: float,
    prior_wall: float,
    log: TextIO,
) -> None:
    """Record a completed run: provenance, index row (with its integration time), log."""
    finished = provenance.utc_now()
    # From the start of the integration to its last chunk saved (runner setup included: the
    # prediction built the domain before, so little of it remains).
    stepping = {"stepping_s": stamps[-1][0] - stamps[0][0]} if len(stamps) > 1 else {}
    steps = int(out.attrs.get("time_steps", 0))
    cells = int(out.sizes.get("x", 0) * out.sizes.get("y", 0)) or db.get(run_id)["cells"]
    record |= {
        "status": "completed",
        "finished_utc": finished,
        "wall_time_s": wall,
        "steps": steps,
        "cells": cells,
        "outputs": int(out.sizes.get("time", 0)),
    }
    record["executions"][-1] |= {
        "finished_utc": finished,
        "wall_s": wall - prior_wall,
        "load_average_end": os.getloadavg(),
    }
    store.write_json(folder / "provenance.json", record)
    db.update(
        run_id,
        status="completed",
        finished=finished,
        wall_s=wall,
        steps=steps,
        cells=cells,
        progress=1.0,
        heartbeat=finished,
        **stepping,
    )
    _log(log, f"completed: {steps} steps in {wall:.2f} s; wrote {store.OUTPUT}")


def _integrate(
    db: Index,
    run_id: str,
    folder: Path,
    scenario: Scenario,
    stations: Any,
    chunk: int,
    report: Callable,
    initial: tuple | None,
    timing: tuple[float, float],
) -> tuple[Any, list]:
    """The run itself: chunks saved as they come, the output renamed into place at the end."""
    times = output_times(scenario.duration, scenario.output_every)
    clock, prior_wall = timing
    stamps: list[tuple[float, int]] = [(time.perf_counter(), 0)]

    def on_chunk(index: int, state: Any, tracers: Any, times_done: int, piece: dict) -> None:
        store.save_piece(folder, index, piece)
        store.save_checkpoint(folder, state, tracers, times_done, index + 1, chunk)
        stamps.append((time.perf_counter(), piece["steps"]))
        db.update(
            run_id,
            heartbeat=provenance.utc_now(),
            progress=float(times[times_done] / times[-1]),
            wall_s=prior_wall + time.perf_counter() - clock,
        )

    out = runner.run(
        scenario,
        stations=stations,
        progress=report,
        chunk=chunk,
        on_chunk=on_chunk,
        initial=initial,
    )
    temporary = folder / f".output-{secrets.token_hex(4)}.zarr"
    _write(out, temporary)
    store.replace_tree(temporary, folder / store.OUTPUT)
    store.clear_progress(folder)
    return out, stamps


def _write(out: Any, path: Path) -> None:
    """``runner.write`` as zarr. zarr 3 warns that fixed-width strings (station names) and
    consolidated metadata are not in its v3 specification yet; both read back exactly."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not have a Zarr V3 specification")
        warnings.filterwarnings("ignore", message="Consolidated metadata is currently not")
        runner.write(out, path)


def _stop(
    db: Index, run_id: str, folder: Path, record: dict, status: str, error: str, log: TextIO
) -> None:
    finished = provenance.utc_now()
    record |= {"status": status, "error": error, "finished_utc": finished}
    if record.get("executions"):
        record["executions"][-1]["finished_utc"] = finished
    store.write_json(folder / "provenance.json", record)
    db.update(run_id, status=status, error=error, finished=finished)
    _log(log, f"{status}: {error}")
