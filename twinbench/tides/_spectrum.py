"""Band-averaged residual spectrum for the colored-noise confidence intervals (as UTide).

UTide (``ut_pdgm``/``ut_fbndavg``, after t_tide's ``residual_spectrum``) estimates the noise
power under each tidal band from the residual of the fit: a Hann-windowed periodogram, averaged
over nine fixed frequency bands, leaving out the periodogram bins nearest to the fitted
frequencies, times the frequency resolution 1/record length.
"""

from __future__ import annotations

import numpy as np

#: Frequency bands (cycles per hour) of UTide/t_tide for the noise estimate.
BANDS_CPH = np.array(
    [
        [0.00010, 0.00417],
        [0.03192, 0.04859],
        [0.07218, 0.08884],
        [0.11243, 0.12910],
        [0.15269, 0.16936],
        [0.19295, 0.20961],
        [0.23320, 0.25100],
        [0.26000, 0.29000],
        [0.30000, 0.50000],
    ]
)


def uniform_residual(hours: np.ndarray, residual: np.ndarray) -> tuple[float, np.ndarray]:
    """The residual on a uniform grid: gaps and uneven samples filled by linear interpolation.

    ``hours`` are the (sorted) times of the valid samples. The grid step is the most common
    sampling interval (the median one when no interval is in the majority).
    Returns ``(step_hours, values)``.
    """
    steps = np.diff(hours)
    values, counts = np.unique(np.round(steps, 9), return_counts=True)
    regular = counts.max() >= steps.size / 2
    step = float(values[np.argmax(counts)]) if regular else float(np.median(steps))
    n = round((hours[-1] - hours[0]) / step) + 1
    grid = hours[0] + step * np.arange(n)
    return step, np.interp(grid, hours, residual)


def band_noise_power(step: float, residual: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
    """Noise power (units²) in the band of each frequency (cph); NaN outside every band.

    ``residual`` is uniformly sampled every ``step`` hours.
    """
    e = residual[: residual.size - residual.size % 2]
    n = e.size
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    spectrum = np.abs(np.fft.rfft((e - e.mean()) * window)) ** 2
    spectrum[1:-1] *= 2
    spectrum *= step / np.sum(window**2)
    freq = np.arange(spectrum.size) / (n * step)

    masked = np.zeros(spectrum.size, dtype=bool)
    nearest = np.round(np.interp(frequencies, freq, np.arange(freq.size))).astype(int)
    masked[np.clip(nearest, 0, freq.size - 1)] = True

    band_mean = np.full(len(BANDS_CPH), np.nan)
    for k, (lo, hi) in enumerate(BANDS_CPH):
        i0, i1 = np.searchsorted(freq, [lo, hi])
        i1 = min(freq.size, i1 + 1)
        keep = ~masked[i0:i1]
        if keep.any():
            band_mean[k] = spectrum[i0:i1][keep].mean()

    record_hours = residual.size * step  # UTide's "elor": span × n / (n − 1)
    power = np.full(frequencies.shape, np.nan)
    for k, (lo, hi) in enumerate(BANDS_CPH):
        inside = (frequencies >= lo) & (frequencies <= hi)
        power[inside] = band_mean[k] / record_hours
    return power
