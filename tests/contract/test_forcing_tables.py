"""Forcing tables are resampled on the union of their times exactly as ``np.interp`` would,
one column at a time (the engine interpolates linearly between the resampled rows)."""

from __future__ import annotations

import numpy as np

from twinbench.io.build import interp_rows


def test_interp_rows_equals_numpy_interp_column_by_column():
    rng = np.random.default_rng(7)
    xp = np.sort(rng.uniform(0.0, 10.0, 9))
    fp = rng.normal(size=(9, 6, 4))
    # Inside, exactly on the nodes, and beyond both ends (held constant).
    x = np.sort(np.concatenate([rng.uniform(-3.0, 13.0, 80), xp]))
    expected = np.stack([np.interp(x, xp, col) for col in fp.reshape(9, -1).T], axis=-1)
    got = interp_rows(x, xp, fp)
    assert got.shape == (x.size, 6, 4)
    np.testing.assert_allclose(got.reshape(x.size, -1), expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got[x <= xp[0]], np.broadcast_to(fp[0], got[x <= xp[0]].shape))


def test_interp_rows_with_two_rows_is_the_straight_line():
    fp = np.array([[1.0, -1.0], [3.0, 5.0]])
    got = interp_rows(np.array([0.0, 0.25, 1.0]), np.array([0.0, 1.0]), fp)
    np.testing.assert_allclose(got, [[1.0, -1.0], [1.5, 0.5], [3.0, 5.0]])
