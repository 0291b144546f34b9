"""Ensemble members as data: a base scenario and, per member, parameter values addressed by name.

A member is a mapping from names of a small vocabulary to values, each turned into an edit
of the base scenario, so that every member is itself a plain :class:`Scenario` that
:func:`twinbench.scenarios.run` can run:

=======================  ==================================================================
``rivers.<name>``        discharge of a river (m³ s⁻¹, constant), replacing the scenario's
``sea_level``            a sea-level rise (m): a ``sea_level_rise`` what-if with that offset
``friction.scale``       factor on the friction coefficient(s) (every zone; dimensionless)
``tide.scale``           factor on the amplitudes of every tidal constituent (dimensionless)
``tide.mean``            offset (m) added to the tide's mean level at the open boundary
``storm.<field>``        a field of the scenario's ``storm`` what-if (``wind_speed`` m s⁻¹,
                         ``wind_direction`` deg, ``pressure`` hPa, ...)
``what_if``              a list of what-ifs (``{type: ..., ...}``) appended to the scenario's
=======================  ==================================================================

A member given as a list is a ``what_if`` list. Values are applied in the order above.

Examples
--------
>>> ens = Ensemble.grid("gironde", **{"rivers.garonne": [300.0, 900.0], "sea_level": [0.0, 0.5]})
>>> len(ens), ens.members[1]
(4, {'rivers.garonne': 300.0, 'sea_level': 0.5})
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from twinbench.io.inputs import InputError
from twinbench.scenarios.scenario import Scenario, load
from twinbench.scenarios.whatif import SeaLevelRise, parse_what_ifs

#: The member vocabulary: name (or ``prefix.``) → what it changes.
VOCABULARY = {
    "rivers.<name>": "discharge of a river (m3/s), replacing the scenario's",
    "sea_level": "sea-level rise offset (m), as a sea_level_rise what-if",
    "friction.scale": "factor on the friction coefficient(s) of every zone",
    "tide.scale": "factor on the amplitude of every tidal constituent",
    "tide.mean": "offset (m) added to the tide's mean level",
    "storm.<field>": "a field of the scenario's storm what-if (wind_speed, pressure, ...)",
    "what_if": "a list of what-ifs appended to the scenario's",
}
#: Distributions of :meth:`Ensemble.sample`: name → the numpy ``Generator`` method's arguments.
DISTRIBUTIONS = {"normal": ("mean", "std"), "uniform": ("low", "high")}


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"member value {what!r} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise InputError(f"member value {what!r} must be finite, got {value!r}")
    return float(value)


def check_member(member: Any, where: str = "member") -> dict[str, Any]:
    """A member as a plain dict of known names (a what-if list → ``{"what_if": [...]}``).

    Raises
    ------
    InputError
        For an unknown name, a non-number value or an unreadable what-if list.
    """
    if isinstance(member, Sequence) and not isinstance(member, str | bytes):
        member = {"what_if": list(member)}
    if not isinstance(member, Mapping):
        raise InputError(f"{where} must be a mapping of {sorted(VOCABULARY)}, got {member!r}")
    out: dict[str, Any] = {}
    for name, value in member.items():
        if name == "what_if":
            out[name] = [w.to_dict() for w in parse_what_ifs(value, f"{where}.what_if")]
        elif name in ("sea_level", "friction.scale", "tide.scale", "tide.mean") or (
            isinstance(name, str) and name.startswith(("rivers.", "storm.")) and name[-1] != "."
        ):
            out[name] = _number(value, name)
        else:
            raise InputError(f"{where}: unknown name {name!r}; known: {sorted(VOCABULARY)}")
    return out


def _scale_friction(physics: dict, factor: float) -> dict:
    friction = dict(physics.get("friction") or {})
    coefficient = friction.get("coefficient")
    if isinstance(coefficient, Mapping):
        friction["coefficient"] = {k: v * factor for k, v in coefficient.items()}
    elif isinstance(coefficient, int | float) and not isinstance(coefficient, bool):
        friction["coefficient"] = coefficient * factor
    else:
        raise InputError(
            f"friction.scale: the scenario's friction coefficient must be a number or one per "
            f"zone, got {coefficient!r}"
        )
    return {**physics, "friction": friction}


def _edit_tide(tide: dict | None, scale: float | None, mean: float | None) -> dict:
    if tide is None:
        raise InputError("tide.scale / tide.mean: the scenario has no tide")
    tide = copy.deepcopy(dict(tide))
    if scale is not None:
        constituents = tide.get("constituents")
        if not isinstance(constituents, Mapping):
            raise InputError(
                f"tide.scale needs constituents given as numbers, got {constituents!r}"
            )
        scaled = {}
        for name, value in constituents.items():
            if isinstance(value, Mapping):
                scaled[name] = {**value, "amplitude": value["amplitude"] * scale}
            else:
                scaled[name] = [value[0] * scale, *value[1:]]
        tide["constituents"] = scaled
    if mean is not None:
        tide["mean"] = tide.get("mean", 0.0) + mean
    return tide


def _edit_storms(what_if: list[dict], fields: dict[str, float]) -> list[dict]:
    storms = [k for k, w in enumerate(what_if) if w.get("type") == "storm"]
    if len(storms) != 1:
        raise InputError(
            f"storm.{next(iter(fields))}: the scenario needs exactly one storm what-if, "
            f"it has {len(storms)}"
        )
    edited = list(what_if)
    edited[storms[0]] = {**what_if[storms[0]], **fields}
    return edited


def member_scenario(base: Scenario, member: Mapping[str, Any], label: str) -> Scenario:
    """The scenario of one member: ``base`` with the member's values applied (see module doc).

    The returned scenario's name is ``label``; its document records the values, so a run of it
    carries them in its provenance.
    """
    member = check_member(member)
    doc = copy.deepcopy(base.document)
    what_if = [w.to_dict() for w in base.what_if]
    rivers = dict(base.rivers)
    for name, value in member.items():
        if name.startswith("rivers."):
            river = name.removeprefix("rivers.")
            if river not in rivers:
                raise InputError(f"{name}: the scenario has no river {river!r}: {sorted(rivers)}")
            rivers[river] = value
    if rivers:
        doc["rivers"] = rivers
    if "friction.scale" in member:
        doc["physics"] = _scale_friction(dict(base.physics), member["friction.scale"])
    if "tide.scale" in member or "tide.mean" in member:
        doc["tide"] = _edit_tide(base.tide, member.get("tide.scale"), member.get("tide.mean"))
    storm = {k.removeprefix("storm."): v for k, v in member.items() if k.startswith("storm.")}
    if storm:
        what_if = _edit_storms(what_if, storm)
    if "sea_level" in member:
        what_if.append(SeaLevelRise(offset_m=member["sea_level"]).to_dict())
    what_if += member.get("what_if", [])
    doc["what_if"] = what_if
    doc["name"] = label
    return load(doc).replace(
        duration=base.duration,
        output_every=base.output_every,
        fields=base.fields,
        dtype=base.dtype,
    )


@dataclasses.dataclass(frozen=True)
class Ensemble:
    """A base scenario and its members (see the module doc for the member vocabulary).

    Parameters
    ----------
    base : Scenario, path, shipped name or mapping
        The scenario every member starts from.
    members : list of mappings (or what-if lists)
        One entry per member. Default: one member, the base itself.
    """

    base: Scenario
    members: tuple[dict[str, Any], ...]

    def __init__(self, base: Scenario | str | Path | Mapping, members: Sequence[Any] = ({},)):
        if not isinstance(base, Scenario):
            base = load(base)
        if isinstance(members, str | bytes | Mapping) or not isinstance(members, Sequence):
            raise InputError(f"members must be a list of mappings, got {members!r}")
        if len(members) == 0:
            raise InputError("an ensemble needs at least one member, got none")
        checked = tuple(check_member(m, f"members[{k}]") for k, m in enumerate(members))
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "members", checked)
        for k in range(len(checked)):  # fail now, not on a worker, for values that cannot run
            self.scenario(k)

    def __len__(self) -> int:
        return len(self.members)

    @classmethod
    def grid(cls, base: Scenario | str | Path | Mapping, **values: Sequence[Any]) -> Ensemble:
        """Full factorial: one member per combination of the given values (last name fastest).

        ``Ensemble.grid(base, **{"sea_level": [0, 0.5], "friction.scale": [0.9, 1.1]})`` has
        four members.
        """
        if not values:
            raise InputError("Ensemble.grid needs at least one name=[values]")
        for name, options in values.items():
            if isinstance(options, str | bytes) or not isinstance(options, Sequence | np.ndarray):
                raise InputError(f"Ensemble.grid: {name!r} must be a list of values")
        names = list(values)
        combos = itertools.product(*(list(values[n]) for n in names))
        return cls(base, [dict(zip(names, (_plain(v) for v in c), strict=True)) for c in combos])

    @classmethod
    def sample(
        cls,
        base: Scenario | str | Path | Mapping,
        n: int,
        seed: int = 0,
        **distributions: Mapping[str, Any],
    ) -> Ensemble:
        """``n`` members drawn independently per name from ``numpy.random.default_rng(seed)``.

        Each distribution is ``{"normal": [mean, std]}`` or ``{"uniform": [low, high]}``
        (units of the name), e.g. ``sample(base, 8, seed=1, sea_level={"uniform": [0, 1]})``.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(f"Ensemble.sample: n must be a positive integer, got {n!r}")
        if not distributions:
            raise InputError("Ensemble.sample needs at least one name={distribution: [a, b]}")
        rng = np.random.default_rng(seed)
        columns = {}
        for name, spec in distributions.items():
            if (
                not isinstance(spec, Mapping)
                or len(spec) != 1
                or next(iter(spec)) not in (DISTRIBUTIONS)
            ):
                raise InputError(
                    f"Ensemble.sample: {name!r} must be one of {{normal: [mean, std]}}, "
                    f"{{uniform: [low, high]}}, got {spec!r}"
                )
            kind, args = next(iter(spec.items()))
            if len(args) != 2:
                raise InputError(f"Ensemble.sample: {name!r} {kind} needs {DISTRIBUTIONS[kind]}")
            columns[name] = getattr(rng, kind)(float(args[0]), float(args[1]), size=n)
        members = [{name: float(col[k]) for name, col in columns.items()} for k in range(n)]
        return cls(base, members)

    def scenario(self, k: int) -> Scenario:
        """The :class:`Scenario` of member ``k``."""
        return member_scenario(self.base, self.members[k], f"{self.base.name}-member{k}")

    def replace_base(self, **changes: Any) -> Ensemble:
        """The same members on a changed base (e.g. ``duration=3600.0``)."""
        return Ensemble(self.base.replace(**changes), list(self.members))

    def coordinates(self) -> dict[str, tuple[str, np.ndarray]]:
        """Member coordinates: one array per name (NaN where a member leaves it unset); the
        ``what_if`` lists as JSON strings."""
        names = sorted({name for m in self.members for name in m})
        coords: dict[str, tuple[str, np.ndarray]] = {}
        for name in names:
            if name == "what_if":
                values = [json.dumps(m.get("what_if", [])) for m in self.members]
                coords[name] = ("member", np.asarray(values, dtype=str))
            else:
                coords[name] = ("member", np.array([m.get(name, np.nan) for m in self.members]))
        return coords


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


__all__ = ["DISTRIBUTIONS", "VOCABULARY", "Ensemble", "check_member", "member_scenario"]
