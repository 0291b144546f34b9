"""A scenario file on a domain from a bounding box (``domain: {name: bbox, ...}``), offline on
the shipped ETOPO2v2 subset: a short tide on the Pertuis charentais, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from twinbench import scenarios
from twinbench.domains import domain_stations, from_bbox

PERTUIS = [-1.6, 45.8, -1.0, 46.3]  # west, south, east, north (degrees)
SCENARIO = """\
name: pertuis-tide
domain: {name: bbox, bbox: [-1.6, 45.8, -1.0, 46.3], resolution: 3000, source: etopo}
start: 2024-03-10T00:00
duration: 3h
output_every: 1h
dtype: float32
physics:
  coriolis: auto
  friction: {law: manning, coefficient: 0.025}
tide:
  constituents: {M2: [1.0, 100.0]}
stations: [La Rochelle-la-Pallice, Ile d'Aix]
"""


@pytest.fixture(scope="module")
def pertuis_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "pertuis.yaml"
    path.write_text(SCENARIO)
    return scenarios.run(path)


def test_the_domain_is_the_bbox_domain():
    scenario = scenarios.load(yaml.safe_load(SCENARIO))
    model, domain = scenarios.model_for(scenario)
    reference = from_bbox(PERTUIS, 3000.0, source="etopo")
    np.testing.assert_array_equal(domain["depth"].values, reference["depth"].values)
    # The tide comes in on every open side of the box unless the scenario names one.
    tided = {side for side, spec in model.boundaries.items() if spec["type"] == "tide"}
    assert tided == {"west", "south", "north"} and model.boundaries["east"]["type"] == "wall"
    one_side = scenarios.load(yaml.safe_load(SCENARIO) | {"tide": {
        "side": "west", "constituents": {"M2": [1.0, 100.0]}}})  # fmt: skip
    kinds = {
        side: spec["type"] for side, spec in scenarios.model_for(one_side)[0].boundaries.items()
    }
    assert kinds == {"west": "tide", "east": "wall", "south": "wall", "north": "wall"}


def test_a_tide_runs_on_the_box(pertuis_run):
    out = pertuis_run
    wet = out["depth"].values > 0
    eta = out["eta"].values[:, wet]
    assert out.sizes["time"] == 4 and np.isfinite(eta).all()
    assert 0.3 < np.abs(eta).max() < 3.0  # the tide came in, with no blow-up
    # The stations are the domain's TICON-4 gauges, recorded at their cells.
    assert list(out.station_name.values) == ["La Rochelle-la-Pallice", "Ile d'Aix"]
    gauges = domain_stations(from_bbox(PERTUIS, 3000.0, source="etopo"))
    for k, name in enumerate(out.station_name.values):
        i, j = int(out.station_i[k]), int(out.station_j[k])
        assert (i, j) == (gauges.loc[name, "i"], gauges.loc[name, "j"])
        np.testing.assert_array_equal(out.station_eta[k].values, out.eta[:, j, i].values)
    assert float(np.ptp(out.station_eta.values)) > 0.05  # the gauges felt the tide
    assert "ETOPO2v2" in out.attrs["domain_source"] and "TICON-4" in out.attrs["domain_source"]


@pytest.mark.parametrize(
    "domain, message",
    [
        ({"bbox": [-1.0, 45.8, -1.6, 46.3]}, "domain 'bbox'.*out of order"),
        ({"bbox": [-1.6, 45.8, -1.0]}, "bbox must be"),
        ({"bbox": "-1.6 45.8 -1.0 46.3"}, "bbox must be"),
        ({"bbox": [-1.6, 45.8, "east", 46.3]}, "4 numbers"),
        ({"bbox": [-10.0, 45.8, -9.0, 46.3]}, "outside the shipped ETOPO2v2"),
        ({"bbox": [-0.9, 44.0, -0.3, 44.5]}, "no water in the box"),
        ({"bbox": None}, "needs 'bbox"),
        ({"resolution": None}, "needs 'resolution'"),
        ({"resolution": "fine"}, "resolution must be a cell size in metres"),
        ({"source": "gebco"}, "source must be 'emodnet' or 'etopo'"),
        ({"depths": {"shelf": 10.0}}, "takes no 'depths'"),
        ({"deepen": {"shelf": 1.0}}, "no zones"),
        ({"name": "gironde"}, r"domain 'gironde' takes no \['bbox', 'source'\]"),
        ({"extent": [0, 1, 2, 3]}, r"unknown key\(s\) \['extent'\] in 'domain'"),
    ],
)
def test_bad_bbox_domains_are_named(tmp_path, domain, message):
    document = yaml.safe_load(SCENARIO)
    document["domain"] = {
        k: v for k, v in (document["domain"] | domain).items() if v is not None
    }  # fmt: skip
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(ValueError, match=message):
        scenarios.run(path, duration=60.0)


def test_bad_tide_sides_are_named():
    for side, message in ((5, "tide.side must be a side"), ("", "no open side")):
        document = yaml.safe_load(SCENARIO)
        document["tide"]["side"] = side
        with pytest.raises(ValueError, match=message):
            scenarios.run(document, duration=60.0)


def test_unknown_gauges_of_the_box_are_named():
    document = yaml.safe_load(SCENARIO) | {"stations": ["Bordeaux"]}
    with pytest.raises(ValueError, match=r"unknown gauge\(s\) \['Bordeaux'\]; known: \["):
        scenarios.run(document, duration=60.0)
