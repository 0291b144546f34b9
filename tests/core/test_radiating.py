"""The radiating (Flather-type) open boundary: outgoing waves leave, the sea's tide comes in."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from twinbench import core

G = 9.81
DEPTH = 10.0
NX, DX = 200, 100.0

# Compiled once per step count: run op by op, every call would trace and compile its loop again.
run = jax.jit(core.run, static_argnums=4)


def _radiating(dtype, omega=(), amplitude=(), phase=(), velocity=0.0):
    k = len(omega)
    return core.Radiating(
        times=jnp.zeros(1, dtype),
        values=jnp.zeros((1, 1, 1), dtype),
        omega=jnp.asarray(omega, dtype).reshape(k),
        amplitude=jnp.asarray(amplitude, dtype).reshape(k, 1, 1),
        phase=jnp.asarray(phase, dtype).reshape(k, 1, 1),
        velocity=jnp.full((1, 1), velocity, dtype),
    )


def _channel(west, east, eta0):
    bed = jnp.full((1, NX), -DEPTH)
    params = core.default_params(bed, boundaries=core.Boundaries(west=west, east=east))
    state = core.State(DEPTH + eta0[None, :], jnp.zeros((1, NX)), jnp.zeros((1, NX)), 0.0)
    return core.Grid(nx=NX, ny=1, dx=DX, dy=DX), params, state


def _hump():
    x = (np.arange(NX) + 0.5) * DX
    return jnp.asarray(0.05 * np.exp(-(((x - 10000.0) / 600.0) ** 2)))


@pytest.mark.parametrize("kind", ["radiating", "level"])
def test_a_wave_leaves_through_a_radiating_side_and_reflects_from_a_clamped_one(kind):
    """A 5 cm hump splits into two waves that reach both open ends: after both crossed, a
    radiating side leaves the channel at rest; an imposed level reflects them (inverted)."""
    with jax.enable_x64(True):
        if kind == "radiating":
            side = _radiating(jnp.float64)
        else:
            side = core.Level(jnp.zeros(1), jnp.zeros((1, 1, 1)))
        grid, params, state = _channel(side, side, _hump())
        c = np.sqrt(G * DEPTH)
        dt = 0.4 * DX / c
        n = int(1.4 * NX * DX / 2 / c / dt) + 1  # both waves well past the ends
        final = run(state, params, grid, dt, n)
        left = float(jnp.max(jnp.abs(final.h - DEPTH)))
    if kind == "radiating":
        assert left < 0.02 * 0.05 * 0.5  # < 2 % of each outgoing wave's 2.5 cm
    else:
        assert left > 0.5 * 0.05 * 0.5  # the clamped level sent them back


def test_a_tide_enters_as_a_progressive_wave_of_the_flather_amplitude():
    """External tide A cos(ωt) with u_e = 0 and a radiating far end: the channel carries a
    progressive wave of amplitude A/2 (the incoming characteristic holds half of η_e, the
    other half would come back from a reflecting interior) travelling at √(g h)."""
    period, amp = 1800.0, 0.02
    omega = 2 * np.pi / period
    c = np.sqrt(G * DEPTH)
    dt = 0.4 * DX / c
    per_sample = round(period / dt / 40)
    with jax.enable_x64(True):
        west = _radiating(jnp.float64, [omega], [amp], [0.0])
        grid, params, state = _channel(west, _radiating(jnp.float64), jnp.zeros(NX))
        s = run(state, params, grid, dt, int(2.2 * NX * DX / c / dt))
        samples = []
        for _ in range(60):
            s = run(s, params, grid, dt, per_sample)
            samples.append(np.asarray(s.h[0] - DEPTH))
    eta = np.array(samples)
    cells = [20, 100, 180]
    amplitude = 0.5 * (eta[:, cells].max(0) - eta[:, cells].min(0))
    np.testing.assert_allclose(amplitude, amp / 2, rtol=0.04)

    times = np.arange(len(eta)) * per_sample * dt

    def upcrossing(series):
        i = int(np.argmax((series[:-1] < 0) & (series[1:] >= 0)))
        return times[i] - series[i] * (times[i + 1] - times[i]) / (series[i + 1] - series[i])

    lag = (upcrossing(eta[:, 180]) - upcrossing(eta[:, 20])) % period
    np.testing.assert_allclose(lag, 160 * DX / c, rtol=0.03)
