"""The constituent catalogue: Foreman's table as UTide ships it, aliases, additions."""

from __future__ import annotations

import numpy as np
import pytest

from twinbench.tides import ALIASES, CONSTITUENTS, canonical_name, constituent_table

REQUIRED = [
    "M2",
    "S2",
    "N2",
    "K2",
    "2N2",
    "MU2",
    "NU2",
    "L2",
    "T2",
    "LAMBDA2",
    "R2",
    "EPS2",
    "K1",
    "O1",
    "P1",
    "Q1",
    "J1",
    "OO1",
    "2Q1",
    "SIGMA1",
    "RHO1",
    "M1",
    "PI1",
    "PHI1",
    "PSI1",
    "THETA1",
    "S1",
    "MF",
    "MM",
    "MSF",
    "SA",
    "SSA",
    "MSM",
    "MTM",
    "MSQM",
    "M4",
    "MS4",
    "MN4",
    "M6",
    "M8",
    "MK3",
    "MO3",
    "2MK3",
    "S4",
    "MK4",
    "2MS6",
    "M3",
    "MA2",
    "MB2",
    "S3",
    "R3",
    "T3",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_required_constituents_are_known(name):
    c = CONSTITUENTS[canonical_name(name)]
    assert c.frequency > 0


def test_table_is_utides_foreman_table():
    """The shipped JSON still equals UTide's ut_constants (frequencies, Doodson, satellites)."""
    pytest.importorskip("utide")
    from utide._ut_constants import ut_constants

    const, sat = ut_constants.const, ut_constants.sat
    for i, name in enumerate(const.name):
        c = CONSTITUENTS[name]
        assert c.frequency == const.freq[i]
        assert c.rayleigh_separation == const.df[i]
        if c.doodson is not None:
            np.testing.assert_array_equal(c.doodson, const.doodson[i])
            assert c.semi == const.semi[i]
            rows = np.flatnonzero(sat.iconst == i + 1)
            assert len(c.satellites) == len(rows)
            for s, k in zip(c.satellites, rows, strict=True):
                assert s == (*sat.deldood[k], sat.phcorr[k], sat.amprat[k], sat.ilatfac[k])


def test_added_constituents_match_pytmd_frequencies():
    """MTM, MSQM, MA2, MB2, S3, R3, T3 and 2MK3: frequencies against pyTMD's (to 1e-9 cph)."""
    pytmd = pytest.importorskip("pyTMD.constituents")
    names = ["MTM", "MSQM", "MA2", "MB2", "S3", "R3", "T3", "2MK3"]
    omega = pytmd.frequency([n.lower() for n in names])  # rad/s
    ours = np.array([CONSTITUENTS[n].frequency for n in names])
    np.testing.assert_allclose(ours, omega * 3600 / (2 * np.pi), rtol=0, atol=1e-9)


def test_frequencies_follow_from_doodson_numbers():
    """Each main constituent's tabulated frequency is its Doodson number times the mean rates."""
    from twinbench.tides.constituents import _RATES_CPD

    for c in CONSTITUENTS.values():
        if c.doodson is not None:
            assert np.dot(c.doodson, _RATES_CPD) / 24 == pytest.approx(c.frequency, abs=2e-9)


def test_aliases_resolve_case_insensitively():
    assert canonical_name("lambda2") == "LDA2"
    assert canonical_name(" Ep2 ") == "EPS2"
    assert canonical_name("SGM") == "SIG1"
    assert canonical_name("M1") == "NO1"
    assert all(target in CONSTITUENTS for target in ALIASES.values())


@pytest.mark.parametrize(
    ("name", "message"),
    [("M22", "unknown tidal constituent 'M22'; did you mean"), ("Z0", "mean"), (2, "string")],
)
def test_bad_names_are_refused(name, message):
    with pytest.raises(ValueError, match=message):
        canonical_name(name)


def test_table_has_periods_and_species():
    table = constituent_table()
    assert table.loc["M2", "species"] == 2 and table.loc["K1", "species"] == 1
    assert table.loc["MF", "species"] == 0 and table.loc["M4", "species"] == 4
    assert table.loc["K1", "period_hours"] == pytest.approx(23.9345, abs=1e-4)
    assert table.loc["MS4", "shallow"] == "1·M2 + 1·S2"
