"""What the dashboard's form makes: the scenarios to choose from, and a scenario document with
the edited forcing written as what-ifs (so the stored run says what was changed).

Examples
--------
>>> form = Form(base="gironde", duration="2h", sea_level_offset=0.3)
>>> document = build_document(scenario_choices(None)["gironde"], form)
>>> document["duration"], document["what_if"][-1]
('2h', {'type': 'sea_level_rise', 'offset_m': 0.3})
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from twinbench.dashboard.uploads import Discharge
from twinbench.io.inputs import InputError, parse_start
from twinbench.runs.prediction import scenario_with
from twinbench.scenarios.rivers import RiverChange
from twinbench.scenarios.scenario import SHIPPED, Scenario, load
from twinbench.scenarios.sea import SeaLevelRise


@dataclasses.dataclass(frozen=True)
class Form:
    """The launch form: a base scenario and the forcing edits (None: keep the scenario's).

    Parameters
    ----------
    base : name of a scenario in :func:`scenario_choices`.
    duration : run length (``"2h"``, ``"3D"`` or seconds).
    start : UTC start date and time (ISO 8601).
    rivers : constant discharge per river (m³ s⁻¹).
    sea_level_offset : sea-level rise (m, 0–5); 0 adds nothing.
    discharges : uploaded discharge series per river (they win over ``rivers``).
    """

    base: str
    duration: Any = None
    start: str | None = None
    rivers: Mapping[str, float] = dataclasses.field(default_factory=dict)
    sea_level_offset: float = 0.0
    discharges: Mapping[str, Discharge] = dataclasses.field(default_factory=dict)


def scenario_choices(root: str | Path | None) -> dict[str, Path]:
    """Scenario name → YAML file: the shipped scenarios, then the YAML files in the run root
    (a root file with a shipped name is listed as ``root:NAME``)."""
    choices = {path.stem: path for path in sorted(SHIPPED.glob("*.yaml"))}
    if root is not None and Path(root).is_dir():
        for path in sorted(Path(root).glob("*.y*ml")):
            if path.suffix in (".yaml", ".yml"):
                choices[f"root:{path.stem}" if path.stem in choices else path.stem] = path
    return choices


def river_discharges(scenario: Scenario) -> dict[str, float | None]:
    """The scenario's rivers and their constant discharge (m³ s⁻¹; None for a series)."""
    return {
        name: float(q) if isinstance(q, int | float) and not isinstance(q, bool) else None
        for name, q in scenario.rivers.items()
    }


def build_document(path: str | Path, form: Form) -> dict:
    """The scenario document of ``path`` with the form's edits: duration and start set, river
    changes and the sea-level rise appended as what-ifs. Checked by loading it.

    Raises
    ------
    InputError
        If an edit cannot run (unknown river, negative discharge, bad date...), naming it.
    """
    scenario = load(path)
    document = dict(scenario.document)
    document.setdefault("name", scenario.name)
    if form.start not in (None, ""):
        parse_start(form.start)
        document["start"] = str(form.start)
    rivers = river_discharges(scenario)
    what_if = [*document.get("what_if", [])]
    for river, value in form.rivers.items():
        if river not in rivers:
            raise InputError(f"river {river!r} is not in scenario {scenario.name!r}: {rivers}")
        if value is not None and value != rivers[river] and river not in form.discharges:
            what_if.append(RiverChange(river, constant=value).to_dict())
    checked = scenario_with(load(document), form.duration or None)
    for river, series in form.discharges.items():
        if river not in rivers:
            raise InputError(f"river {river!r} is not in scenario {scenario.name!r}: {rivers}")
        hydrograph = series.hydrograph(checked.start, checked.duration)
        what_if.append(RiverChange(river, hydrograph=hydrograph).to_dict())
    if form.sea_level_offset:
        what_if.append(SeaLevelRise(offset_m=form.sea_level_offset).to_dict())
    document = dict(checked.document)
    if what_if:
        document["what_if"] = what_if
    load(document)
    return document


def save_scenario(root: str | Path, scenario: Scenario) -> Path:
    """Write an uploaded scenario into the run root as ``<name>.yaml`` (listed from then on)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario.name).strip("-.") or "uploaded"
    path = Path(root) / f"{stem}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"name": scenario.name, **scenario.document}
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return path


def run_name(document: Mapping, token: str) -> str:
    """A run name from the scenario's name and a token (letters, digits, ``_.-``)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(document.get("name", "run"))).strip("-.")
    return f"{stem[:40] or 'run'}-{token}"


__all__ = [
    "Form",
    "build_document",
    "river_discharges",
    "run_name",
    "save_scenario",
    "scenario_choices",
]
