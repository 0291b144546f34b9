"""``twinbench xynthia``: the Biscay hindcast from the command line, its surge file usable as a
``nested_surge`` source, and the table that reads each gauge where the model has it."""

import numpy as np
import pandas as pd
import pytest

from twinbench.cli import main
from twinbench.scenarios.whatif import NestedSurge
from twinbench.storms.cli import summary


def test_cli_runs_the_hindcast_and_writes_a_nesting_source(tmp_path, capsys):
    out = tmp_path / "xy"
    assert main(["xynthia", "--gironde", "none", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "La Rochelle-La Pallice" in printed and "RMS error" in printed
    table = pd.read_csv(out / "surges.csv", index_col="station")
    assert list(table.index) == [
        "La Rochelle-La Pallice", "Pointe de Grave", "Arcachon", "Saint-Nazaire", "Brest",
    ]  # fmt: skip
    assert (table["model"] == "Bay of Biscay").all()
    np.testing.assert_allclose(table["ratio"], table["modelled_m"] / table["observed_m"], atol=2e-3)
    surge = NestedSurge(source=str(out / "biscay-xynthia.nc")).surge()
    assert surge.dims == ("time", "y", "x") and "lon" in surge.coords
    assert float(surge.max()) > 1.0


def test_cli_bad_resolution_exits_2(tmp_path, capsys):
    assert main(["xynthia", "--resolution", "huge", "-o", str(tmp_path)]) == 2
    assert "twinbench xynthia: error" in capsys.readouterr().err


def test_summary_reads_the_nested_gauges_where_they_ran():
    parent = pd.DataFrame(
        {"observed_m": [1.53, 0.98, 0.90], "modelled_m": [1.3, 1.15, 0.5]},
        index=["La Rochelle-La Pallice", "Pointe de Grave", "Arcachon"],
    )
    nested = pd.DataFrame(
        {"observed_m": [0.98, np.nan, 0.90], "modelled_m": [1.2, 1.6, 0.88]},
        index=["Port-Bloc", "Pauillac", "Arcachon"],
    )
    table = summary(parent, nested)
    assert table.loc["La Rochelle-La Pallice", "model"] == "Bay of Biscay"
    assert table.loc["Pointe de Grave", "modelled_m"] == 1.2
    assert table.loc["Arcachon", "model"] == "Gironde twin (Arcachon)"
    assert table.loc["Arcachon", "ratio"] == pytest.approx(0.88 / 0.90)
    alone = summary(parent, None)
    assert (alone["model"] == "Bay of Biscay").all()
    np.testing.assert_allclose(alone["modelled_m"], parent["modelled_m"])
