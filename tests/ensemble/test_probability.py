"""Exceedance probabilities and quantiles: hand-computed values and a real ensemble."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from twinbench.ensemble import exceedance_probability, quantiles
from twinbench.io.inputs import InputError


@pytest.fixture
def synthetic():
    # 4 members × 2 stations × 3 times; member 3 is dry (NaN) at station 1.
    x = np.array(
        [
            [[0.0, 1.0, 2.0], [5.0, 5.0, 5.0]],
            [[1.0, 2.0, 3.0], [6.0, 6.0, 6.0]],
            [[2.0, 3.0, 4.0], [7.0, 7.0, 7.0]],
            [[3.0, 4.0, 5.0], [np.nan, np.nan, np.nan]],
        ]
    )
    return xr.Dataset({"level": (("member", "station", "time"), x)})


def test_exceedance_by_hand(synthetic):
    p = exceedance_probability(synthetic, "level", 2.5)
    np.testing.assert_allclose(p.values, [[0.25, 0.5, 0.75], [1.0, 1.0, 1.0]])
    below = exceedance_probability(synthetic, "level", 5.5, below=True)
    np.testing.assert_allclose(below.values[1], [1 / 3] * 3)  # NaN member left out
    weighted = exceedance_probability(synthetic, "level", 2.5, weights=[1, 1, 1, 5])
    np.testing.assert_allclose(weighted.values[0], [5 / 8, 6 / 8, 7 / 8])
    np.testing.assert_allclose(weighted.values[1], [1.0, 1.0, 1.0])


def test_quantiles_by_hand(synthetic):
    q = quantiles(synthetic, "level", [0.0, 0.5, 1.0])
    np.testing.assert_allclose(q.sel(quantile=0.5).values, [[1.5, 2.5, 3.5], [6.0, 6.0, 6.0]])
    np.testing.assert_allclose(q.sel(quantile=1.0).values[0], [3.0, 4.0, 5.0])
    # Equal weights give the unweighted quantiles.
    w = quantiles(synthetic, "level", [0.05, 0.5, 0.95], weights=[2, 2, 2, 2])
    np.testing.assert_allclose(w.values, quantiles(synthetic, "level").values)


def test_bad_arguments_raise_clear_errors(synthetic):
    with pytest.raises(InputError, match="no variable 'eta'"):
        exceedance_probability(synthetic, "eta", 1.0)
    with pytest.raises(InputError, match="one value per member"):
        exceedance_probability(synthetic, "level", 1.0, weights=[1, 2])
    with pytest.raises(InputError, match="≥ 0"):
        exceedance_probability(synthetic, "level", 1.0, weights=[1, -1, 1, 1])
    with pytest.raises(InputError, match="in \\[0, 1\\]"):
        quantiles(synthetic, "level", [0.5, 95])
    with pytest.raises(InputError, match="finite"):
        exceedance_probability(synthetic, "level", float("nan"))
    with pytest.raises(InputError, match="no 'member' dimension"):
        quantiles(synthetic.isel(member=0), "level")


def test_a_higher_sea_raises_the_exceedance_probability(vmap_run):
    """Members 2, 3 are members 0, 1 with the sea 0.5 m higher."""
    low, high = vmap_run.isel(member=[0, 1]), vmap_run.isel(member=[2, 3])
    raised = []
    for threshold in (-0.5, 0.0, 0.25, 0.5):
        p_low = exceedance_probability(low, "station_eta", threshold).isel(time=slice(1, None))
        p_high = exceedance_probability(high, "station_eta", threshold).isel(time=slice(1, None))
        assert (p_high >= p_low).all()
        raised.append(bool((p_high > p_low).any()))
    assert any(raised)
    median = quantiles(vmap_run, "station_eta", [0.5]).isel(quantile=0)
    assert ((median >= vmap_run["station_eta"].min("member")) &
            (median <= vmap_run["station_eta"].max("member"))).all()  # fmt: skip
