"""PNG figures of a :class:`twinbench.analysis.report.Report` (matplotlib, off pyplot):
series overlay per station, model-against-observed scatter, harmonic bar chart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np


def _figure(**kwargs: Any):
    """A figure that is not registered with pyplot: the caller's backend (e.g. a notebook's
    inline one) is left untouched, and nothing needs closing."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "station"


def overlay(name: str, model: Any, observed: Any, path: Path) -> Path:
    """Model and observed water level (m) over time at one station."""
    fig = _figure(figsize=(9, 3.2))
    ax = fig.subplots()
    ax.plot(observed["time"].values, observed.values, "k-", lw=1.2, label="observed")
    ax.plot(model["time"].values, model.values, "-", color="tab:blue", lw=1.0, label="model")
    ax.set_ylabel("water level (m)")
    ax.set_title(name)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def scatter(series: dict, path: Path) -> Path:
    """Model against observed water level at every station, with the 1:1 line."""
    from twinbench.analysis.stats import align

    fig = _figure(figsize=(4.8, 4.8))
    ax = fig.subplots()
    low, high = np.inf, -np.inf
    for name, (model, observed) in series.items():
        m, o = align(model, observed)
        ax.plot(o.values, m.values, ".", ms=3, label=name)
        low, high = min(low, o.min(), m.min()), max(high, o.max(), m.max())
    ax.plot([low, high], [low, high], "k--", lw=0.8)
    ax.set_xlabel("observed (m)")
    ax.set_ylabel("model (m)")
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def harmonic_bars(harmonics: Any, path: Path) -> Path:
    """Amplitude (model, observed) and phase difference of each constituent per station."""
    stations = harmonics.index.get_level_values("station").unique()
    fig = _figure(figsize=(max(6.0, 1.2 * len(harmonics)), 6))
    axes = fig.subplots(2, 1, sharex=True)
    labels = [f"{s}\n{c}" for s, c in harmonics.index]
    x = np.arange(len(harmonics))
    axes[0].bar(x - 0.2, harmonics["observed_amplitude"], 0.4, color="0.3", label="observed")
    axes[0].bar(x + 0.2, harmonics["model_amplitude"], 0.4, color="tab:blue", label="model")
    axes[0].set_ylabel("amplitude (m)")
    axes[0].legend(fontsize=8)
    axes[1].bar(x, harmonics["phase_difference"], 0.6, color="tab:orange")
    axes[1].axhline(0.0, color="k", lw=0.8)
    axes[1].set_ylabel("phase: model − observed (°)")
    axes[1].set_xticks(x, labels, fontsize=7)
    for ax in axes:
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"Harmonic comparison ({len(stations)} station(s))")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def draw(result: Any, folder: Path) -> list[Path]:
    """All the report's figures in ``folder``; returns their paths."""
    files = [
        overlay(name, model, observed, folder / f"series_{_slug(name)}.png")
        for name, (model, observed) in result.series.items()
    ]
    files.append(scatter(result.series, folder / "scatter.png"))
    if not result.harmonics.empty:
        files.append(harmonic_bars(result.harmonics, folder / "harmonics.png"))
    return files
