"""Porosity: the fraction φ of each cell's area that holds water (a river narrower than a cell).

With a single isotropic porosity (Guinot & Soares-Frazão 2006, Int. J. Numer. Meth. Fluids
50:309; Sanders, Schubert & Gallegos 2008, J. Hydrol. 362:19) the conserved quantities are
``φh`` and ``φhU``:

    ∂(φh)/∂t + ∇·(φhU) = 0
    ∂(φhU)/∂t + ∇·(φ(hUU + g h²/2)) = g h²/2 ∇φ − φ g h ∇z − φ (bed stress)

A face is as open as the narrower of its two cells, ``φ_f = min(φ_i, φ_j)`` (the domain's own
faces take their cell's φ), so a one-cell river of width ``b`` in cells of size Δ stores and
carries ``b/Δ`` of a full cell. Cell i's update divides the face fluxes weighted by ``φ_f`` by
``φ_i``: with ``w = φ_f / φ_i ≤ 1`` on each of its faces, the Courant limit and the positivity
of the depth are those of the scheme without porosity. The ``g h²/2 ∇φ`` source is discretised
as the cell's own hydrostatic pressure at its faces (``P_self = g/2 h_face²``), so that

    Δ·d(hun)/dt = −[w⁺ (F⁺ − P_self⁺) − w⁻ (F⁻ − P_self⁻)] − (P_self⁺ − P_self⁻) + bed term

with F the hydrostatically reconstructed face momentum flux seen by the cell. At rest
``F = P_self`` on both faces and the bed term balances ``P_self⁺ − P_self⁻``: a lake stays at
rest across any change of porosity. With ``φ ≡ 1`` it is the scheme of :mod:`.fluxes`
exactly.

**Dual porosity** (Guinot, Sanders & Schubert 2017, Adv. Water Resour. 103:16): a second
cell field, the *conveyance* ψ, sets the faces instead, ``φ_f = min(ψ_i, ψ_j)``, while φ keeps
the storage. The weights ``w = φ_f / φ_i`` may then exceed 1, and the Courant rate of a cell
takes its largest weight (``max(w, 1)`` times the face's wave speed / Δ, in
:mod:`.fluxes`), which keeps depths non-negative. The balance at rest above holds for any w.
Its use here: a river narrower than a cell and not aligned with the grid runs through a
4-connected staircase of cells, ``λ = |cos θ| + |sin θ|`` (up to √2) times longer than the
river. As a one-dimensional channel along that path, storage ``φ = b / (λ Δ)`` (the river's
area per path cell) and conveyance ``ψ = λ b / Δ`` (b the river's width) give the path the
river's storage per metre and a wave speed ``√(w g h) = λ √(g h)`` along it: the river's true
travel time. A river m cells wide (m = λ b / Δ > 1) runs through a band of m such paths side
by side, whose cross-connections let part of the flow take the diagonal: there the weight
``w = ψ / φ = λ^(2/m)`` (λ² for one path, λ for two, λ^(2/3) for three) gives the seiche
periods of 45° bands one, two and three paths wide the same ≈ 5 % short of the theory as the
one-path staircase (measured 0.95–0.97; ``tests/physics/test_porosity.py``), where w = 1 left
them 35, 18 and 11 % long. ψ is then at most √2 (:data:`MAX_CONVEYANCE`). With ψ = φ (the
default) it is the single-porosity scheme above, bit for bit.

φ and ψ are static properties of the grid here: gradients of a run with respect to them are
not computed (the hand adjoint returns zero for them).
"""

from __future__ import annotations

import math

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float

#: Smallest porosity a cell may have; a closed cell is land (a negative depth), not φ = 0.
MINIMUM = 0.01
#: Largest conveyance: a face of a staircase path passes up to λ = √2 times its cells' width
#: (a river at 45°, see the module docstring).
MAX_CONVEYANCE = math.sqrt(2.0)


class Porosity(eqx.Module):
    """A cell porosity field and the face weights ``w = φ_face / φ_cell`` it implies (≤ 1
    unless a conveyance opens the faces wider than the cells store).

    ``x_low``/``x_high`` weigh each cell's west/east faces, ``y_low``/``y_high`` its
    south/north faces; ``x_face`` (ny, nx+1) and ``y_face`` (ny+1, nx) are the face porosities.
    """

    cell: Float[Array, "ny nx"]
    x_low: Float[Array, "ny nx"]
    x_high: Float[Array, "ny nx"]
    y_low: Float[Array, "ny nx"]
    y_high: Float[Array, "ny nx"]
    x_face: Float[Array, "ny nx1"]
    y_face: Float[Array, "ny1 nx"]
    largest_weight: Float[Array, ""]  # max(1, every w): bounds explicit diffusion's step

    def weights(self, axis: int) -> tuple[Array, Array]:
        """``(w_low, w_high)`` of every cell's two faces along ``axis`` (1: x, 0: y)."""
        return (self.x_low, self.x_high) if axis == 1 else (self.y_low, self.y_high)

    def faces(self, axis: int) -> Array:
        """Face porosities along ``axis``: n+1 faces."""
        return self.x_face if axis == 1 else self.y_face


def face_porosity(phi: np.ndarray, axis: int) -> np.ndarray:
    """``min`` of the two cells at the n−1 inner faces; the cell's own φ at the two ends."""
    n = phi.shape[axis]
    take = lambda a, i, j: np.take(a, np.arange(i, j), axis=axis)  # noqa: E731
    inner = np.minimum(take(phi, 0, n - 1), take(phi, 1, n))
    return np.concatenate([take(phi, 0, 1), inner, take(phi, n - 1, n)], axis=axis)


def porosity(phi, dtype, conveyance=None) -> Porosity:
    """The :class:`Porosity` of a ``(ny, nx)`` field of storage fractions φ in (0, 1] (floored
    at :data:`MINIMUM`), with faces set by the conveyance ψ (same shape, in (0, √2]) when
    given, by φ itself otherwise."""
    phi = np.clip(np.asarray(phi, np.float64), MINIMUM, 1.0)
    psi = phi
    if conveyance is not None:
        psi = np.clip(np.asarray(conveyance, np.float64), MINIMUM, MAX_CONVEYANCE)
    if psi.shape != phi.shape:
        raise ValueError(f"conveyance shape {psi.shape} differs from the porosity's {phi.shape}")
    fields = {"cell": phi}
    for name, axis in (("x", 1), ("y", 0)):
        face = face_porosity(psi, axis)
        n = phi.shape[axis]
        fields[f"{name}_low"] = np.take(face, np.arange(0, n), axis=axis) / phi
        fields[f"{name}_high"] = np.take(face, np.arange(1, n + 1), axis=axis) / phi
        fields[f"{name}_face"] = face
    weights = [fields[f"{a}_{b}"] for a in "xy" for b in ("low", "high")]
    fields["largest_weight"] = max(1.0, *(float(w.max()) for w in weights))
    return Porosity(**{k: jnp.asarray(v, dtype) for k, v in fields.items()})


__all__ = ["MAX_CONVEYANCE", "MINIMUM", "Porosity", "face_porosity", "porosity"]
