"""`twinbench reproduce`: a rerun from the folder alone matches; a tampered output does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import zarr
from runs_cases import EVERY, TIDAL_BASIN

from twinbench import cli, runs
from twinbench.io.inputs import InputError


def test_compare_reports_max_abs_and_rel_differences():
    old = xr.Dataset({"eta": ("t", [1.0, 2.0, np.nan]), "name": ("s", ["a", "b"])})
    new = old.copy(deep=True)
    new["eta"] = ("t", [1.0, 2.5, np.nan])
    table = runs.compare(new, old, rtol=0.0, atol=0.1)
    assert table.loc["eta", "max_abs"] == pytest.approx(0.5)
    assert table.loc["eta", "max_rel"] == pytest.approx(0.25)
    assert not table.loc["eta", "matches"] and table.loc["name", "matches"]
    assert runs.compare(new, old, rtol=0.3, atol=0.0).loc["eta", "matches"]
    missing = runs.compare(new.drop_vars("name"), old)
    assert not missing.loc["name", "matches"]


def test_reproduce_matches_and_the_cli_exits_0(root, baseline, capsys):
    code = cli.main(["reproduce", baseline.id, "-q", "--root", str(root)])
    said = capsys.readouterr().out
    assert code == 0 and "matches" in said and "DOES NOT" not in said
    for name in ("eta", "h", "u", "v", "time"):
        assert name in said
    rerun = runs.list_runs(root).iloc[-1]
    assert rerun["parent"] == baseline.id and rerun["status"] == "completed"


def test_a_tampered_output_does_not_match_and_the_cli_exits_1(root, capsys):
    original = runs.launch(TIDAL_BASIN, root=root, name="tampered", checkpoint_every=EVERY)
    eta = zarr.open_array(original.folder / "output.zarr" / "eta", mode="r+")
    eta[3, 10, 50] = eta[3, 10, 50] + 0.01
    outcome = runs.reproduce(original.id, root=root)
    assert not outcome.matches
    table = outcome.table
    assert isinstance(table, pd.DataFrame)
    assert not table.loc["eta", "matches"] and table.loc["eta", "max_abs"] == pytest.approx(0.01)
    assert table.drop(index="eta")["matches"].all()
    # From the folder alone (a path, not an id): the same verdict.
    assert cli.main(["reproduce", str(original.folder), "-q", "--root", str(root)]) == 1
    assert "DOES NOT match" in capsys.readouterr().out


def test_reproduce_errors_exit_2(root, capsys):
    assert cli.main(["reproduce", "no-such-run", "--root", str(root)]) == 2
    assert "no run 'no-such-run'" in capsys.readouterr().err
    with pytest.raises(InputError, match="no run"):
        runs.reproduce("no-such-run", root=root)
