"""Runs you can trust: every run stored as a folder with its scenario, its CF output (zarr) and
its provenance, listed in an SQLite index; interrupted runs resumed from their last checkpoint;
runs reproduced from their folder alone; compute time predicted before launch.

>>> from twinbench import runs
>>> sorted(runs.index.STATUSES)
['completed', 'failed', 'interrupted', 'queued', 'running']
"""

from twinbench.runs import index
from twinbench.runs.catalog import Run, get, list_runs, open_run, remove, show
from twinbench.runs.lifecycle import launch, restart, resume
from twinbench.runs.prediction import Prediction, predict
from twinbench.runs.reproduction import Reproduction, compare, reproduce

__all__ = [
    "Prediction",
    "Reproduction",
    "Run",
    "compare",
    "get",
    "index",
    "launch",
    "list_runs",
    "open_run",
    "predict",
    "remove",
    "reproduce",
    "restart",
    "resume",
    "show",
]
