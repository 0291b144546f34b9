"""The shipped TICON-4 constants: loading, names, attribution."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twinbench.tides import predict, ticon, ticon_stations

DATA = Path(__file__).resolve().parents[2] / "twinbench" / "tides" / "data" / "ticon4"


def test_twenty_stations_with_coordinates():
    stations = ticon_stations()
    assert len(stations) == 20
    assert stations.loc["bordeaux-196-fra-refmar", "latitude"] == pytest.approx(44.86)
    assert (stations.n_constituents == 50).all()


def test_every_station_loads_with_attribution():
    for sid in ticon_stations().index:
        ds = ticon(sid)
        assert ds.sizes["constituent"] == 48  # 50 minus the unmapped 3L2 and 3N2
        assert ds.attrs["license"] == "CC-BY-4.0"
        assert "TICON-4" in ds.attrs["attribution"] and "f7465efa0ece" in ds.attrs["attribution"]
        assert "3L2" in ds.attrs["unmapped_constituents"]
        assert (ds.amplitude >= 0).all() and ((ds.phase >= 0) & (ds.phase < 360)).all()


def test_constants_equal_the_summary_csv():
    """The JSON read through ticon() equals the independent summary table (M2, S2, K1, O1, M4)."""
    summary = pd.read_csv(DATA / "ticon4_biscay_gironde_summary.csv", index_col="station_id")
    for sid, row in summary.iterrows():
        ds = ticon(sid)
        for name in ["M2", "S2", "K1", "O1", "M4"]:
            c = ds.sel(constituent=name)
            assert float(c.amplitude) == pytest.approx(row[f"{name}_amp_m"], abs=6e-5)
            assert float(c.phase) == pytest.approx(row[f"{name}_pha_deg"], abs=6e-3)


def test_names_are_mapped():
    ds = ticon("brest-3-fra-refmar")
    mapping = dict(zip(ds.ticon_name.values, ds.constituent.values, strict=True))
    assert mapping["EP2"] == "EPS2" and mapping["SGM"] == "SIG1"
    assert mapping["LAMBDA2"] == "LDA2" and mapping["M1"] == "NO1"


def test_station_names_are_forgiving_but_not_ambiguous():
    assert ticon("port-bloc").attrs["station_id"] == "port_bloc-15-fra-refmar"
    assert ticon("ÎLE D'AIX").attrs["station_id"] == "ile_d_aix-189-fra-refmar"
    with pytest.raises(ValueError, match="ambiguous"):
        ticon("Brest")
    with pytest.raises(ValueError, match="unknown TICON station 'Atlantis'"):
        ticon("Atlantis")


def test_gironde_amplification():
    """M2 grows ≈ 35 % and lags ≈ 2.4 h from Port-Bloc to Bordeaux (GIRONDE_FACTS)."""
    mouth, city = ticon("Port Bloc"), ticon("Bordeaux")
    m2 = lambda ds, v: float(ds[v].sel(constituent="M2"))  # noqa: E731
    assert m2(city, "amplitude") / m2(mouth, "amplitude") == pytest.approx(1.35, abs=0.02)
    lag_hours = (m2(city, "phase") - m2(mouth, "phase")) / 28.984
    assert lag_hours == pytest.approx(2.54, abs=0.05)
    times = pd.date_range("2024-03-01", periods=24 * 30, freq="h")
    rng = np.ptp(predict(city, times).values)
    assert 5.0 < rng < 6.5  # spring range ≈ 5.2-5.3 m at Bordeaux, plus overtides
