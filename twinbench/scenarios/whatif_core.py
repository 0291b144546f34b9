"""The what-if interface: a run setup record, the ``WhatIf`` base class and value parsing.

A what-if is a frozen dataclass that transforms a :class:`RunSetup` (domain, physics,
boundaries, forcing) into a new one; it never mutates its input. Each class registers itself
under its ``type_name``, the ``type`` of its YAML form.
"""

from __future__ import annotations

import abc
import dataclasses
import math
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import xarray as xr

from twinbench.io.inputs import InputError, parse_seconds

#: Units accepted in strings such as ``"12 m"`` or ``"980 hPa"``, by kind → factor to SI.
UNITS: dict[str, dict[str, float]] = {
    "length": {"m": 1.0, "cm": 0.01, "mm": 1e-3, "km": 1e3},
    "discharge": {"m3/s": 1.0, "m3 s-1": 1.0, "m^3/s": 1.0, "m3.s-1": 1.0},
    "pressure": {"Pa": 1.0, "hPa": 100.0, "mbar": 100.0, "kPa": 1e3},
    "speed": {"m/s": 1.0, "m s-1": 1.0, "km/h": 1 / 3.6, "kn": 1852 / 3600, "knots": 1852 / 3600},
    "per_area": {"m-2": 1.0, "1/m2": 1.0, "/m2": 1.0, "stems/m2": 1.0},
    "angle": {"deg": 1.0, "degrees": 1.0},
    "1": {},
}
_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


@dataclasses.dataclass(frozen=True, eq=False)
class RunSetup:
    """What a run is built from, before the engine parses it.

    Attributes
    ----------
    domain : the CF inputs dataset (depth, x/y, optionally eta, lon/lat and a ``crs``).
    physics : the ``physics`` dict of :func:`twinbench.simulate`.
    boundaries : the ``boundaries`` dict (rivers as lists of ``{"type": "river", ...}``).
    forcing : a CF surface forcing dataset, or ``None``.
    start : UTC start of the run (``datetime64``), or ``None``.
    duration : run length (s).
    """

    domain: xr.Dataset
    physics: Mapping[str, Any]
    boundaries: Mapping[str, Any]
    forcing: xr.Dataset | None = None
    start: np.datetime64 | None = None
    duration: float = 0.0

    def replace(self, **changes) -> RunSetup:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_REGISTRY: dict[str, type[WhatIf]] = {}


class WhatIf(abc.ABC):
    """A change to a run's inputs; subclasses are frozen dataclasses with a ``type_name``."""

    #: The ``type`` of the YAML form.
    type_name: ClassVar[str]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "type_name" in cls.__dict__:
            _REGISTRY[cls.type_name] = cls

    @abc.abstractmethod
    def apply(self, setup: RunSetup) -> RunSetup:
        """The setup with this change made (a new record; ``setup`` is left as it was)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML/JSON form ``{type: ..., ...}`` (SI values; ``None`` fields left out)."""
        out: dict[str, Any] = {"type": self.type_name}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = plain(value)
        return out

    @staticmethod
    def from_dict(spec: Mapping[str, Any], where: str = "what_if") -> WhatIf:
        """The what-if of a ``{type: ..., ...}`` mapping (as written by :meth:`to_dict`)."""
        if not isinstance(spec, Mapping) or "type" not in spec:
            raise InputError(f"{where} must be a mapping with a 'type', got {spec!r}")
        kind = spec["type"]
        if kind not in _REGISTRY:
            raise InputError(f"{where}: unknown type {kind!r}; known: {sorted(_REGISTRY)}")
        cls = _REGISTRY[kind]
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(spec) - names - {"type"}
        if unknown:
            raise InputError(
                f"{where} ({kind}): unknown key(s) {sorted(unknown)}; known: {sorted(names)}"
            )
        try:
            return cls(**{k: v for k, v in spec.items() if k != "type"})
        except TypeError as err:  # a required key is missing
            raise InputError(f"{where} ({kind}): {err}") from None
        except InputError as err:
            raise InputError(f"{where}: {err}") from None


def known_kinds() -> list[str]:
    """The ``type`` names of all registered what-ifs."""
    return sorted(_REGISTRY)


def plain(value: Any) -> Any:
    """Tuples → lists, numpy scalars → Python, recursively (for YAML and JSON)."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def quantity(
    value: Any,
    what: str,
    kind: str,
    *,
    minimum: float | None = None,
    strict: bool = False,
    maximum: float | None = None,
) -> float:
    """A number in SI units, or a string ``"<number> <unit>"`` converted to them.

    Raises
    ------
    InputError
        Naming ``what`` for a non-number, an unknown unit, a NaN or a value out of range.
    """
    if isinstance(value, str):
        match = _NUMBER_UNIT.match(value)
        if not match:
            raise InputError(f"{what} must be a number or '<number> <unit>', got {value!r}")
        number, unit = float(match.group(1)), match.group(2)
        units = UNITS[kind]
        if unit and unit not in units:
            known = sorted(units) or ["none (a plain number)"]
            raise InputError(f"{what}: unknown unit {unit!r} in {value!r}; use {known}")
        x = number * (units[unit] if unit else 1.0)
    elif isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"{what} must be a number, got {value!r}")
    else:
        x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{what} must be finite, got {value!r}")
    if minimum is not None and (x < minimum or (strict and x == minimum)):
        raise InputError(f"{what} must be {'>' if strict else '≥'} {minimum:g}, got {value!r}")
    if maximum is not None and x > maximum:
        raise InputError(f"{what} must be ≤ {maximum:g}, got {value!r}")
    return x


def seconds(value: Any, what: str) -> float:
    """Seconds from a number or a duration string (``"6h"``)."""
    return float(parse_seconds(value, what))


def points(value: Any, what: str, crs: str, at_least: int) -> tuple[tuple[float, float], ...]:
    """``[[lon, lat], ...]`` (or x/y m with ``crs="xy"``) → a tuple of pairs, checked."""
    from twinbench.scenarios.geometry import CRS_CHOICES

    if crs not in CRS_CHOICES:
        raise InputError(f"{what}: crs must be one of {CRS_CHOICES}, got {crs!r}")
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        raise InputError(f"{what} must be a list of [lon, lat] pairs, got {value!r}")
    pairs = []
    for k, p in enumerate(value):
        if isinstance(p, str | bytes) or not hasattr(p, "__len__") or len(p) != 2:
            raise InputError(f"{what}[{k}] must be a [lon, lat] pair, got {p!r}")
        x, y = (quantity(c, f"{what}[{k}]", "1") for c in p)
        if crs == "lonlat" and not (-180 <= x <= 360 and -90 <= y <= 90):
            raise InputError(f"{what}[{k}] is not a valid lon/lat pair, got {p!r}")
        pairs.append((x, y))
    if len(pairs) < at_least:
        shape = "a polygon" if at_least >= 3 else "a line"
        raise InputError(f"{what} needs at least {at_least} points for {shape}, got {len(pairs)}")
    return tuple(pairs)


def choice(value: Any, what: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise InputError(f"{what} must be one of {options}, got {value!r}")
    return value


def set_fields(obj: Any, **values: Any) -> None:
    """Store normalised values on a frozen dataclass (inside ``__post_init__``)."""
    for name, value in values.items():
        object.__setattr__(obj, name, value)
