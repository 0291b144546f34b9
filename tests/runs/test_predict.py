"""Compute-time prediction: steps from the stable time step, throughput from a probe or from
the index's past runs (timings are compared with what the index recorded, never with clocks)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from runs_cases import EVERY, TIDAL_BASIN

from twinbench import runs, scenarios
from twinbench.io.inputs import InputError
from twinbench.runs import prediction
from twinbench.runs.index import Index


def test_without_history_a_probe_times_the_model(tmp_path):
    p = runs.predict(TIDAL_BASIN, root=tmp_path, checkpoint_every=EVERY)
    model, _ = scenarios.model_for(scenarios.load(TIDAL_BASIN))
    dt0 = float(model.stable_dt())
    assert p.method == "probe" and p.basis == 0 and p.step_factor == 1.0
    assert p.dt0 == pytest.approx(dt0) and p.steps == math.ceil(3 * 3600 / dt0)
    assert p.cells == 2000 and p.throughput > 0 and p.probe_s > 0
    assert p.finish_s == 0 and p.integration_s == pytest.approx(p.steps * 2000 / p.throughput)
    assert p.seconds == pytest.approx(p.setup_s + p.compile_s + p.integration_s)
    assert "from a probe of the model" in str(p)


def test_with_history_the_past_runs_calibrate_it(root, baseline):
    p = runs.predict(TIDAL_BASIN, root=root, duration="6h", checkpoint_every=EVERY)
    rows = prediction.history(root / "index.sqlite", "float64")
    assert p.method == "history" and p.basis == len(rows) >= 1
    # Same grid: the median of the past runs' integration time per step.
    per_step = np.median([r["stepping_s"] / r["steps"] for r in rows if r["cells"] == 2000])
    assert p.throughput == pytest.approx(2000 / per_step)
    # Steps: 6 h over the initial stable step, scaled as the past runs' steps were.
    row = baseline.row
    done = runs.list_runs(root, "completed")
    done = done[done["domain"] == "tidal_basin:400.0"]
    factor = float(np.median(done["steps"] / (done["duration_s"] / done["dt0_s"])))
    assert p.step_factor == pytest.approx(factor)
    assert abs(p.steps - factor * 6 * 3600 / p.dt0) <= 1
    assert abs(p.steps - 2 * row["steps"]) <= 0.01 * p.steps
    after = np.median([r["wall_s"] - r["predict_s"] - r["stepping_s"] for r in rows])
    assert p.finish_s == pytest.approx(max(after, 0.0))
    # Only runs of the same dtype calibrate: float32 has none here (it would be probed).
    assert prediction.history(root / "index.sqlite", "float32") == []


def test_step_time_fits_latency_plus_cells_over_throughput():
    """Exact timings on a line: the robust fit recovers it."""
    latency, throughput = 2e-4, 5e6
    rows = [
        {"cells": n, "stepping_s": steps * (latency + n / throughput), "steps": steps}
        for n, steps in ((500, 1000), (2000, 800), (8000, 300), (32000, 100))
    ]
    assert prediction.step_time(rows, 4000) == pytest.approx(latency + 4000 / throughput)
    assert prediction.step_time(rows, 2000) == pytest.approx(latency + 2000 / throughput)
    # Two sizes give the line; one size cannot be scaled to another (the latency is unknown).
    assert prediction.step_time(rows[1:3], 500) == pytest.approx(latency + 500 / throughput)
    assert prediction.step_time([rows[1]] * 2, 2000) == pytest.approx(latency + 2000 / throughput)
    assert prediction.step_time([rows[1]] * 2, 4000) is None
    assert prediction.step_time([], 4000) is None


def test_bounding_box_domains_are_told_apart_but_share_their_family():
    """Two boxes at one resolution are different domains (their depths set their steps), one
    family for the cost per cell; named domains keep their plain keys."""

    def key(domain, tracers=None):
        document = {"name": "k", "domain": domain, "start": "2024-03-01T00:00", "duration": 3600.0}
        if tracers:
            document["tracers"] = tracers
        return prediction.domain_key(scenarios.load(document))

    pertuis = key({"name": "bbox", "bbox": [-1.6, 45.8, -1.0, 46.3], "resolution": 3000,
                   "source": "etopo"})  # fmt: skip
    landes = key({"name": "bbox", "bbox": [-1.5, 44.0, -1.1, 44.6], "resolution": 3000,
                  "source": "etopo"})  # fmt: skip
    assert pertuis == "bbox[-1.6,45.8,-1,46.3 etopo]:3000"
    assert pertuis != landes
    assert prediction.family(pertuis) == prediction.family(landes) == "bbox"
    assert prediction.family("bbox[-1.6,45.8,-1,46.3 etopo]+salinity:3000") == "bbox+salinity"
    assert key({"name": "gironde", "resolution": "coarse"}) == "gironde:coarse"
    assert prediction.family("gironde+salinity:coarse") == "gironde+salinity"


def test_a_bad_duration_is_refused(tmp_path):
    with pytest.raises(InputError, match="duration must be > 0"):
        runs.predict(TIDAL_BASIN, root=tmp_path, duration=0)


# Run in a fresh interpreter (not a pickled function of this module: in the whole suite the
# `conftest` module name is taken by another folder's, and a spawned child would import that).
_WRITER = """
import sys
from twinbench.runs.index import Index

index = Index(sys.argv[1])
for k in range(50):
    run_id = f"w{sys.argv[2]}-{k:03d}"
    index.insert({"id": run_id, "status": "queued", "created": f"{k:03d}"})
    index.update(run_id, status="running", progress=0.5)
    index.update(run_id, status="completed", progress=1.0)
    index.rows()
"""


def test_two_processes_share_the_index(tmp_path):
    path = tmp_path / "index.sqlite"
    Index(path)
    workers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(w)]) for w in range(2)
    ]
    assert [worker.wait(120) for worker in workers] == [0, 0]
    rows = Index(path).rows()
    assert len(rows) == 100 and {row["status"] for row in rows} == {"completed"}
