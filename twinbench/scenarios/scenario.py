"""Scenario files: one YAML document names the domain, the dates, the physics, the sea and the
rivers, and the stations of a run. Parsed and checked here; run by :mod:`.runner`."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from pathlib import Path

import yaml

from twinbench.io.inputs import InputError, parse_seconds, parse_start
from twinbench.scenarios.whatif import WhatIf, parse_what_ifs

#: Keys of a scenario document and what each holds.
KEYS = {
    "base": "a scenario this one starts from (a shipped name or a path relative to this file): "
    "its document with this one's keys laid over it, mappings merged key by key",
    "name": "a short name for the run",
    "description": "free text",
    "domain": "{name: gironde | tidal_basin | biscay | bbox, resolution: coarse | default | fine "
    "| metres, depths: {...}, deepen: {zone: m}; bbox: [west, south, east, north] and "
    "source: emodnet | etopo for name: bbox}",
    "start": "UTC date and time of the initial state",
    "duration": "run length: seconds or '15D', '36h'",
    "output_every": "output interval of fields and station series (default 1h)",
    "fields": "write the (time, y, x) fields too (default true; false: stations only)",
    "dtype": "float32 or float64",
    "physics": "as twinbench.simulate's physics (friction may use zones)",
    "tide": "{side: west (or several: 'west north'; default the domain's open sides), "
    "constituents: {M2: [amplitude_m, phase_deg], ...}, mean: m}",
    "rivers": "{garonne: m3/s, dordogne: m3/s} (a number or {time: [...], discharge: [...]})",
    "stations": "names of the domain's gauges to record",
    "tracers": "salinity / sediment as twinbench.simulate's tracers (river values by name)",
    "calibration": "how the shipped values were obtained (provenance, not used by the run)",
    "what_if": "a list of changes applied in order: [{type: river_change | flood_hydrograph | "
    "sea_level_rise | dredging | bridge | vegetation | storm, ...}] (docs/whatif.md)",
}
DOMAIN_KEYS = {"name", "resolution", "depths", "deepen", "bbox", "source"}
TIDE_KEYS = {"side", "constituents", "mean", "nodal"}
SHIPPED = Path(__file__).parent


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A checked scenario document (a deep copy: later edits of the source do not leak in)."""

    name: str
    domain: dict
    start: str
    duration: float
    output_every: float
    fields: bool
    dtype: str
    physics: dict
    tide: dict | None
    rivers: dict
    stations: tuple[str, ...]
    document: dict
    tracers: dict = dataclasses.field(default_factory=dict)
    what_if: tuple[WhatIf, ...] = ()

    def replace(self, **changes) -> Scenario:
        """A copy with some fields changed (e.g. ``duration``)."""
        return dataclasses.replace(self, **changes)

    def with_what_if(self, *items: WhatIf) -> Scenario:
        """A copy with what-ifs appended (applied after the scenario's own, in order); the
        document records them, so the run's provenance holds them."""
        what_if = self.what_if + parse_what_ifs(list(items), "with_what_if")
        document = {**self.document, "what_if": [w.to_dict() for w in what_if]}
        return dataclasses.replace(self, what_if=what_if, document=document)


def shipped(name: str) -> Path:
    """Path of a scenario shipped with twinbench (``"gironde"`` → the calibrated baseline)."""
    path = SHIPPED / f"{name}.yaml"
    if not path.exists():
        names = sorted(p.stem for p in SHIPPED.glob("*.yaml"))
        raise InputError(f"no shipped scenario {name!r}; shipped: {names}")
    return path


def load(source: str | Path | Mapping) -> Scenario:
    """A scenario from a YAML file, the name of a shipped one, or a dict.

    Raises
    ------
    InputError
        For unreadable YAML, unknown keys and values that cannot run, naming the key.
    """
    if isinstance(source, Mapping):
        document, where = copy.deepcopy(dict(source)), "scenario"
    else:
        path = Path(source)
        if not path.exists() and _is_name(str(source)):
            path = shipped(str(source))
        if not path.exists():
            raise InputError(f"scenario file {str(path)!r} does not exist")
        where = str(path)
        document = _read(path)
    if not isinstance(document, Mapping):
        raise InputError(f"{where} must be a YAML mapping of {sorted(KEYS)}, got {document!r}")
    if isinstance(source, Mapping):
        folder, chain = None, ()
    else:
        folder, chain = Path(where).parent, (str(Path(where).resolve()),)
        document = _files_from(dict(document), folder)
    return _check(_resolve_base(dict(document), where, folder, chain), where)


#: What-if kinds that read a file, and the key that names it: a relative path there is
#: relative to the scenario file (as ``base:`` is), made absolute when the file is read.
FILE_KEYS = {"nested_surge": "source"}


def _files_from(document: dict, folder: Path) -> dict:
    items = document.get("what_if")
    if not isinstance(items, list):
        return document
    fixed = []
    for item in items:
        key = FILE_KEYS.get(item.get("type")) if isinstance(item, Mapping) else None
        if (
            key
            and isinstance(item.get(key), str)
            and not Path(item[key]).expanduser().is_absolute()
        ):
            item = {**item, key: str((folder / item[key]).resolve())}
        fixed.append(item)
    return {**document, "what_if": fixed}


def _is_name(text: str) -> bool:
    """Whether ``text`` names a shipped scenario rather than a path (no folder, no suffix)."""
    return Path(text).suffix == "" and "/" not in text and "\\" not in text


def _read(path: Path):
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise InputError(f"{path} is not valid YAML: {err}") from None


def overlay(base: Mapping, changes: Mapping) -> dict:
    """``base`` with ``changes`` laid over it: mappings merged key by key (recursively), any
    other value (a number, a list, null) replacing the base's."""
    merged = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = overlay(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _resolve_base(doc: dict, where: str, folder: Path | None, chain: tuple[str, ...]) -> dict:
    """The document with its ``base:`` chain laid under it; the result has no ``base`` key, so
    a run's recorded document re-runs alone even if the base file changes later.

    ``folder`` is where a relative base path is looked up; a document given as a mapping (an
    upload, a dict in Python) has none, so its base must be a shipped scenario's name and no
    path is opened on its behalf."""
    if "base" not in doc:
        return doc
    name = doc.pop("base")
    if not isinstance(name, str) or not name:
        raise InputError(
            f"{where}: 'base' must name a scenario (a shipped name or a path), got {name!r}"
        )
    if folder is None and not _is_name(name):
        raise InputError(
            f"{where}: a scenario given as a mapping has no folder, so its 'base' must be a "
            f"shipped scenario's name, not the path {name!r}"
        )
    path = None if folder is None else folder / name
    if path is None or not path.exists():
        if not _is_name(name):
            raise InputError(f"{where}: base scenario {name!r} does not exist ({path})")
        path = shipped(name)
    key = str(path.resolve())
    if key in chain:
        raise InputError(f"{where}: 'base' chain loops back to {str(path)!r}")
    base = _read(path)
    if not isinstance(base, Mapping):
        raise InputError(f"{where}: base scenario {str(path)!r} is not a YAML mapping")
    base = _resolve_base(
        _files_from(dict(base), path.parent), str(path), path.parent, (*chain, key)
    )
    base.pop("name", None)  # a scenario's name is its own (default: its file's stem)
    return overlay(base, doc)


def _check(doc: dict, where: str) -> Scenario:
    unknown = set(doc) - set(KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(KEYS)}")
    for key in ("domain", "start", "duration"):
        if key not in doc:
            raise InputError(f"{where}: '{key}' is required ({KEYS[key]})")
    domain = doc["domain"]
    if isinstance(domain, str):
        domain = {"name": domain}
    if not isinstance(domain, Mapping) or "name" not in domain:
        raise InputError(f"{where}: 'domain' must be a name or {{name: ..., resolution: ...}}")
    extra = set(domain) - DOMAIN_KEYS
    if extra:
        raise InputError(f"{where}: unknown key(s) {sorted(extra)} in 'domain'")
    from twinbench.scenarios.runner import DOMAINS

    if domain["name"] not in DOMAINS:
        raise InputError(f"{where}: unknown domain {domain['name']!r}; known: {sorted(DOMAINS)}")
    start = parse_start(doc["start"])
    duration = parse_seconds(doc["duration"], f"{where}: 'duration'")
    if duration <= 0:
        raise InputError(f"{where}: 'duration' must be > 0, got {doc['duration']!r}")
    every = parse_seconds(doc.get("output_every", "1h"), f"{where}: 'output_every'")
    if every <= 0:
        raise InputError(f"{where}: 'output_every' must be > 0")
    fields = doc.get("fields", True)
    if not isinstance(fields, bool):
        raise InputError(f"{where}: 'fields' must be true or false, got {fields!r}")
    dtype = doc.get("dtype", "float32")
    if dtype not in ("float32", "float64"):
        raise InputError(f"{where}: 'dtype' must be float32 or float64, got {dtype!r}")
    physics = doc.get("physics") or {}
    if not isinstance(physics, Mapping):
        raise InputError(f"{where}: 'physics' must be a mapping, got {physics!r}")
    tide = doc.get("tide")
    if tide is not None:
        if not isinstance(tide, Mapping):
            raise InputError(f"{where}: 'tide' must be a mapping ({KEYS['tide']})")
        extra = set(tide) - TIDE_KEYS
        if extra:
            raise InputError(f"{where}: unknown key(s) {sorted(extra)} in 'tide'")
    rivers = doc.get("rivers") or {}
    if not isinstance(rivers, Mapping):
        raise InputError(f"{where}: 'rivers' must map river names to discharges (m3/s)")
    tracers = doc.get("tracers") or {}
    if not isinstance(tracers, Mapping):
        raise InputError(f"{where}: 'tracers' must be a mapping, got {tracers!r}")
    stations = doc.get("stations") or []
    if isinstance(stations, str) or not all(isinstance(s, str) for s in stations):
        raise InputError(f"{where}: 'stations' must be a list of station names")
    return Scenario(
        name=str(doc.get("name", Path(where).stem)),
        domain=dict(domain),
        start=str(start),
        duration=duration,
        output_every=every,
        fields=fields,
        dtype=dtype,
        physics=dict(physics),
        tide=None if tide is None else dict(tide),
        rivers=dict(rivers),
        stations=tuple(stations),
        document=doc,
        tracers=dict(tracers),
        what_if=parse_what_ifs(doc.get("what_if"), f"{where}: what_if"),
    )
