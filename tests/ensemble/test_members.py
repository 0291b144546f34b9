"""Members as data: the vocabulary, factorial and sampled ensembles, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from twinbench.ensemble import Ensemble, member_scenario, run_ensemble
from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif import RiverChange, SeaLevelRise


def test_grid_is_the_full_factorial_last_name_fastest(small_base):
    ens = Ensemble.grid(small_base, **{"sea_level": [0.0, 0.5], "friction.scale": [0.9, 1.0, 1.1]})
    assert len(ens) == 6
    assert ens.members[0] == {"sea_level": 0.0, "friction.scale": 0.9}
    assert ens.members[4] == {"sea_level": 0.5, "friction.scale": 1.0}
    coords = ens.coordinates()
    np.testing.assert_array_equal(coords["sea_level"][1], [0, 0, 0, 0.5, 0.5, 0.5])


def test_sample_draws_from_a_seeded_generator(small_base):
    ens = Ensemble.sample(
        small_base,
        5,
        seed=3,
        **{"rivers.garonne": {"normal": [650, 100]}, "sea_level": {"uniform": [0.0, 1.0]}},
    )
    rng = np.random.default_rng(3)
    q, s = rng.normal(650, 100, size=5), rng.uniform(0.0, 1.0, size=5)
    assert [m["rivers.garonne"] for m in ens.members] == pytest.approx(q.tolist())
    assert [m["sea_level"] for m in ens.members] == pytest.approx(s.tolist())
    again = Ensemble.sample(
        small_base,
        5,
        seed=3,
        **{"rivers.garonne": {"normal": [650, 100]}, "sea_level": {"uniform": [0.0, 1.0]}},
    )
    assert again.members == ens.members


def test_member_values_land_in_the_member_scenario(small_base):
    member = {"rivers.garonne": 300.0, "sea_level": 0.2, "friction.scale": 2.0, "tide.scale": 0.5,
              "tide.mean": 0.1}  # fmt: skip
    s = member_scenario(small_base, member, "m")
    assert s.rivers == {**small_base.rivers, "garonne": 300.0}
    zones = small_base.physics["friction"]["coefficient"]
    assert s.physics["friction"]["coefficient"] == pytest.approx(
        {k: 2 * v for k, v in zones.items()}
    )
    amplitude, phase = small_base.tide["constituents"]["M2"]
    assert s.tide["constituents"]["M2"] == pytest.approx([0.5 * amplitude, phase])
    assert s.tide["mean"] == pytest.approx(0.1)
    assert s.what_if == (SeaLevelRise(offset_m=0.2),)
    assert s.duration == small_base.duration and s.dtype == "float64"
    # The base is left as it was.
    assert small_base.rivers["garonne"] != 300.0 and small_base.what_if == ()


def test_a_member_may_be_a_what_if_list(small_base):
    ens = Ensemble(small_base, [[{"type": "river_change", "river": "garonne", "factor": 0.5}], {}])
    assert ens.scenario(0).what_if == (RiverChange("garonne", factor=0.5),)
    assert ens.scenario(1).what_if == ()
    assert "what_if" in ens.coordinates()


def test_storm_fields_edit_the_scenarios_storm(small_base):
    storm = {"type": "storm", "kind": "uniform", "wind_speed": 10.0, "wind_direction": 270.0,
             "pressure": 1000.0}  # fmt: skip
    base = small_base.with_what_if(storm)
    s = member_scenario(base, {"storm.wind_speed": 25.0}, "m")
    assert s.what_if[0].wind_speed == 25.0 and s.what_if[0].pressure == 1000.0
    with pytest.raises(InputError, match="exactly one storm"):
        member_scenario(small_base, {"storm.wind_speed": 25.0}, "m")


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ([{"rivers.loire": 100.0}], "no river 'loire'"),
        ([{"sealevel": 0.3}], "unknown name 'sealevel'"),
        ([{"sea_level": "high"}], "must be a number"),
        ([{"sea_level": float("nan")}], "must be finite"),
        ([], "at least one member"),
        ({"sea_level": 0.1}, "must be a list"),
        ([[{"type": "tsunami"}]], "unknown type 'tsunami'"),
    ],
)
def test_bad_members_raise_clear_errors(small_base, members, match):
    with pytest.raises(InputError, match=match):
        Ensemble(small_base, members)


def test_bad_helpers_and_backends_raise_clear_errors(small_base, small_ensemble):
    with pytest.raises(InputError, match="normal: \\[mean, std\\]"):
        Ensemble.sample(small_base, 3, sea_level={"gamma": [1, 2]})
    with pytest.raises(InputError, match="positive integer"):
        Ensemble.sample(small_base, 0, sea_level={"normal": [0, 1]})
    with pytest.raises(InputError, match="list of values"):
        Ensemble.grid(small_base, sea_level=0.3)
    with pytest.raises(InputError, match="backend must be one of"):
        run_ensemble(small_ensemble, backend="mpi")
    with pytest.raises(InputError, match="duration must be > 0"):
        run_ensemble(small_ensemble, duration=0)
