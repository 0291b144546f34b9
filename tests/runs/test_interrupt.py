"""A run killed with SIGKILL mid-way: marked interrupted, never half-written, resumed to the
same output as an uninterrupted run; restarted from the beginning."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from runs_cases import EVERY, TIDAL_BASIN

from twinbench import cli, runs, scenarios
from twinbench.io.inputs import InputError
from twinbench.runs import store

# Runs the basin in another process, held after each chunk so that the test kills it between
# its first checkpoint and its end.
CHILD = """
import json, sys, time
from twinbench import runs
runs.launch(json.loads(sys.argv[1]), root=sys.argv[2], name="killed", checkpoint_every={every},
            progress=lambda done, total, elapsed: time.sleep(60.0))
"""


def _wait_for_checkpoint(root, child, timeout=240.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, child.stderr.read().decode()
        folders = [p for p in root.glob("killed-*") if (p / store.CHECKPOINT).exists()]
        # After the checkpoint, the run notes its progress in the index, then waits.
        if folders and runs.show(folders[0].name, root)["progress"] > 0:
            return folders[0]
        time.sleep(0.05)
    raise AssertionError("the child run saved no checkpoint in time")


@pytest.fixture(scope="module")
def killed(root, request):
    """The folder of a run SIGKILLed after its first checkpoint."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(every=EVERY), json.dumps(TIDAL_BASIN), str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        request.getfixturevalue("baseline")  # meanwhile
        folder = _wait_for_checkpoint(root, child)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    return folder


def test_a_killed_run_is_interrupted_and_not_complete(root, killed):
    row = runs.show(killed.name, root)
    assert row["status"] == "interrupted"
    assert "ended without finishing" in row["error"]
    assert 0 < row["progress"] < 1
    assert not (killed / "output.zarr").exists()
    with pytest.raises(InputError, match="is interrupted: no complete output"):
        runs.open_run(killed.name, root)
    assert killed.name in set(runs.list_runs(root, status="interrupted")["id"])


def test_resume_finishes_with_the_uninterrupted_output(root, killed, baseline):
    resumed = runs.resume(killed.name, root=root)
    assert resumed.status == "completed" and resumed.row["resumes"] == 1
    assert not (killed / store.CHECKPOINT).exists() and not (killed / store.PARTIAL).exists()
    out, reference = resumed.open(), baseline.open()
    assert out.attrs["time_steps"] == reference.attrs["time_steps"]
    np.testing.assert_array_equal(out.time.values, reference.time.values)
    for name in ("eta", "h", "u", "v", "station_eta"):
        np.testing.assert_array_equal(out[name].values, reference[name].values)
    executions = resumed.provenance["executions"]
    assert len(executions) == 2 and executions[1]["resumed_at_output"] > 0
    assert "resumed at output" in (killed / "log.txt").read_text()


def test_restart_runs_again_from_the_beginning(root, killed, capsys):
    assert cli.main(["runs", "restart", killed.name, "-q", "--root", str(root)]) == 0
    again = runs.get(killed.name, root)
    assert again.status == "completed" and again.row["resumes"] == 0
    assert again.provenance["executions"][-1]["resumed_at_output"] is None
    assert cli.main(["runs", "resume", killed.name, "--root", str(root)]) == 2
    assert "already completed" in capsys.readouterr().err


def test_ctrl_c_interrupts_and_a_tracer_run_resumes_exactly(tmp_path):
    """Salinity rides in the checkpoint too: the resumed fields equal an uninterrupted run's."""
    salty = TIDAL_BASIN | {
        "name": "salty",
        "duration": "2h",
        "tracers": {
            "salinity": {"initial": 30.0, "diffusivity": 10.0, "boundaries": {"west": 35.0}}
        },
    }

    def stop(done, total, elapsed):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runs.launch(salty, root=tmp_path, checkpoint_every=EVERY, progress=stop)
    (row,) = runs.list_runs(tmp_path).to_dict("records")
    assert row["status"] == "interrupted" and row["error"].startswith("KeyboardInterrupt")
    assert row["progress"] == 0.5
    out = runs.resume(row["id"], root=tmp_path).open()
    reference = scenarios.run(salty, chunk=EVERY)
    for name in ("salinity", "eta", "h", "u", "v"):
        np.testing.assert_array_equal(out[name].values, reference[name].values)
