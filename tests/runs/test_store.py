"""Run folders, provenance and the index: real runs of the tidal basin in temporary roots."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pytest
import yaml
from runs_cases import EVERY, TIDAL_BASIN

from twinbench import cli, runs, scenarios
from twinbench.io.inputs import InputError
from twinbench.runs import store


def test_a_run_folder_holds_scenario_output_provenance_and_log(baseline):
    folder = baseline.folder
    assert folder.name == baseline.id and baseline.id.startswith("baseline-")
    assert {p.name for p in folder.iterdir()} == {
        "scenario.yaml", "output.zarr", "provenance.json", "log.txt"
    }  # fmt: skip
    # The stored document re-runs alone: it is the scenario, with its name.
    stored = yaml.safe_load((folder / "scenario.yaml").read_text())
    assert stored == TIDAL_BASIN
    out = baseline.open()
    direct = scenarios.run(TIDAL_BASIN, chunk=EVERY)
    for name in ("eta", "h", "u", "v"):
        np.testing.assert_array_equal(out[name].values, direct[name].values)
    assert out.sizes["time"] == 7
    log = (folder / "log.txt").read_text()
    assert "predicted" in log and "simulated 3.00 of 3.00 h (100 %)" in log
    assert "completed" in log


def test_provenance_records_versions_hashes_device_and_timing(baseline):
    prov = baseline.provenance
    assert prov["status"] == "completed" and prov["dtype"] == "float64"
    assert {"twinbench", "jax", "jaxlib", "numpy", "xarray", "zarr", "python"} <= set(
        prov["versions"]
    )
    assert prov["twinbench_version"] == prov["versions"]["twinbench"]
    assert prov["git"] is None or len(prov["git"]["revision"]) == 40
    sha = hashlib.sha256((baseline.folder / "scenario.yaml").read_bytes()).hexdigest()
    assert prov["inputs"]["scenario.yaml"] == sha
    assert "twinbench/tides/data/foreman_constituents.json" in prov["inputs"]
    assert prov["device"]["platform"] in ("cpu", "gpu", "cuda", "rocm", "tpu")
    assert prov["cells"] == 20 * 100 and prov["steps"] == baseline.open().attrs["time_steps"]
    assert prov["started_utc"] < prov["finished_utc"] and prov["wall_time_s"] > 0
    assert prov["host"] and prov["checkpoint_every"] == EVERY


def test_the_index_lists_the_run_with_its_numbers(root, baseline):
    table = runs.list_runs(root)
    row = table.set_index("id").loc[baseline.id]
    assert row["status"] == "completed" and row["scenario"] == "tidal-basin"
    assert row["progress"] == 1.0 and row["cells"] == 2000
    assert row["steps"] == baseline.provenance["steps"]
    assert row["predicted_s"] > 0 and row["wall_s"] > 0
    assert 0 < row["predict_s"] < row["wall_s"] and 0 < row["stepping_s"] < row["wall_s"]
    assert row["domain"] == "tidal_basin:400.0" and row["dt0_s"] > 0
    assert row["created"] <= row["started"] <= row["finished"]
    assert runs.list_runs(root, status="failed").empty or baseline.id not in set(
        runs.list_runs(root, status="failed")["id"]
    )
    # WAL mode, so a second process can read while a run writes.
    with sqlite3.connect(root / "index.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    shown = runs.show(baseline.id[:-2], root)  # a unique prefix will do
    assert shown["id"] == baseline.id and shown["provenance"]["run_id"] == baseline.id


def test_run_ids_sort_by_time_and_stay_unique():
    ids = [store.new_run_id() for _ in range(50)]
    assert len(set(ids)) == 50 and sorted(ids) == ids


def test_the_root_defaults_to_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TWINBENCH_RUNS", str(tmp_path / "elsewhere"))
    assert store.resolve_root() == (tmp_path / "elsewhere").resolve()
    monkeypatch.delenv("TWINBENCH_RUNS")
    assert store.resolve_root().parts[-2:] == (".twinbench", "runs")


def test_a_run_that_raises_is_marked_failed_with_its_error(root, tmp_path):
    bad = tmp_path / "stations.csv"
    bad.write_text("name,latitude\nA,1\n")
    with pytest.raises(InputError, match="needs columns name,lat,lon"):
        runs.launch(TIDAL_BASIN, root=root, stations=bad, name="bad", checkpoint_every=EVERY)
    row = runs.list_runs(root, status="failed").iloc[-1]
    assert row["id"].startswith("bad-") and "needs columns" in row["error"]
    folder = root / row["id"]
    assert not (folder / "output.zarr").exists()
    assert "InputError" in (folder / "log.txt").read_text()
    assert json.loads((folder / "provenance.json").read_text())["status"] == "failed"
    with pytest.raises(InputError, match="is failed: no complete output"):
        runs.open_run(row["id"], root)


def test_bad_requests_name_the_problem(root, baseline):
    with pytest.raises(InputError, match="no run 'nope'"):
        runs.show("nope", root)
    with pytest.raises(InputError, match="status must be one of"):
        runs.list_runs(root, status="done")
    with pytest.raises(InputError, match="run name must be"):
        runs.launch(TIDAL_BASIN, root=root, name="a b")
    with pytest.raises(InputError, match="checkpoint_every must be ≥ 1"):
        runs.launch(TIDAL_BASIN, root=root, checkpoint_every=0)
    with pytest.raises(InputError, match="does not exist"):
        runs.launch(TIDAL_BASIN, root=root, stations=root / "missing.csv")
    with pytest.raises(InputError, match="already completed"):
        runs.resume(baseline.id, root=root)


def test_cli_stores_lists_shows_and_removes(tmp_path, capsys):
    path = tmp_path / "basin.yaml"
    path.write_text(yaml.safe_dump(TIDAL_BASIN | {"duration": "1h"}))
    where = ["--root", str(tmp_path / "runs")]
    out_nc = tmp_path / "copy.nc"
    assert cli.main(["run", str(path), "--store", "-q", "-o", str(out_nc), *where]) == 0
    said = capsys.readouterr().out
    assert out_nc.exists()
    table = runs.list_runs(tmp_path / "runs")
    (run_id,) = table["id"]
    assert said.startswith(f"stored run {run_id} in ") and f"wrote {out_nc}" in said
    assert table["scenario"][0] == "tidal-basin"
    prov = runs.show(run_id, tmp_path / "runs")["provenance"]
    assert (
        prov["inputs"][f"source:{path.resolve()}"] == hashlib.sha256(path.read_bytes()).hexdigest()
    )
    assert cli.main(["runs", "list", *where]) == 0
    assert run_id in capsys.readouterr().out
    assert cli.main(["runs", "show", run_id, *where]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "completed"
    assert cli.main(["runs", "rm", run_id, "--yes", *where]) == 0
    assert not (tmp_path / "runs" / run_id).exists()
    assert runs.list_runs(tmp_path / "runs").empty
    assert cli.main(["runs", "show", run_id, *where]) == 2
    assert "no run" in capsys.readouterr().err
