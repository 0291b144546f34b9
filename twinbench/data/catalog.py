"""The twinbench data catalog: intake underneath, a small facade on top.

This is the only module of twinbench that imports intake. The catalog file
(``catalogs/twinbench.yaml``) is a v1-style intake YAML, loaded with ``intake.open_catalog``:

* shipped NetCDF files use intake-xarray's ``netcdf`` driver (with an explicit engine);
* every other entry — shipped files that need parsing, and every remote reader — names the
  driver class :class:`ReaderSource` by its import path (``twinbench.data.catalog.ReaderSource``,
  the v1 way of naming a driver that intake 2.0.9 still honours) with ``args: {reader:
  "module:function", ...}``. The reader module is imported only when the entry is read, so a
  missing optional package (or a reader still being written) breaks only its own entry.

Entry parameters are described under ``metadata: {parameters: ...}`` (type, default,
description, required) and checked by :func:`check_params` before the reader runs: intake's own
``parameters:`` block renders values through Jinja templates as strings and cannot express
"no default", so twinbench validates them itself.

:func:`open_catalog` returns a :class:`Catalog` with ``list()``, ``describe(name)`` and
``get(name, **params)`` — the surface the CLI, notebooks and the dashboard use, and the one to
keep if intake is swapped for STAC later.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import intake
import xarray as xr
from intake.source.base import DataSource, Schema

from twinbench.io.inputs import InputError

#: The catalog shipped in the repository's ``catalogs/`` folder.
DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "catalogs" / "twinbench.yaml"

#: Metadata every entry must carry (the attribution is mandatory for CC-BY, Licence Ouverte and
#: Histolitt data).
REQUIRED_METADATA = ("license", "attribution", "source", "kind")

_TYPES = {"str": str, "float": float, "int": int, "bool": bool, "list": list}


def _import_reader(path: str):
    module, _, name = path.partition(":")
    if not module or not name:
        raise InputError(f"a reader is 'package.module:function', got {path!r}")
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as err:
        raise InputError(
            f"the reader {path!r} cannot be imported ({err}); install the data extra: "
            "pip install 'twinbench[data]'"
        ) from err
    except AttributeError as err:
        raise InputError(f"the module {module!r} has no reader {name!r}") from err


def _coerce(name: str, value: Any, spec: Mapping[str, Any]) -> Any:
    kind = spec.get("type", "str")
    if value is None or kind not in _TYPES:
        return value
    if kind == "list":
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return list(value)
    if kind == "bool" and isinstance(value, str):
        if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise InputError(f"parameter {name!r} must be true or false, got {value!r}")
        return value.lower() in ("true", "1", "yes")
    try:
        return _TYPES[kind](value)
    except (TypeError, ValueError):
        raise InputError(f"parameter {name!r} must be of type {kind}, got {value!r}") from None


def check_params(
    entry: str, specs: Mapping[str, Mapping[str, Any]], params: Mapping[str, Any]
) -> dict[str, Any]:
    """Complete and check the parameters of one entry; return the keyword arguments to pass.

    Unknown names and missing required parameters raise :class:`InputError` naming them;
    values given as strings (from the command line) are converted to the declared type.
    """
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise InputError(
            f"entry {entry!r} has no parameter {unknown[0]!r}; its parameters are "
            f"{sorted(specs) or 'none'}"
        )
    out = {}
    for name, spec in specs.items():
        if name in params:
            out[name] = _coerce(name, params[name], spec)
        elif spec.get("required", False):
            raise InputError(
                f"entry {entry!r} needs the parameter {name!r} ({spec.get('description', '')})"
            )
        elif spec.get("default") is not None:
            out[name] = _coerce(name, spec["default"], spec)
    return out


class ReaderSource(DataSource):
    """An intake driver that calls a twinbench reader function and returns its xarray result.

    Parameters
    ----------
    reader : str
        ``"package.module:function"``, imported when the entry is read.
    options : mapping, optional
        Fixed keyword arguments of the reader (e.g. a shipped file's path).
    metadata : mapping, optional
        The entry's metadata; ``metadata["parameters"]`` declares the user parameters.
    **params
        User parameters, checked against ``metadata["parameters"]``.
    """

    container = "xarray"
    name = "twinbench_reader"
    version = "1"
    partition_access = False

    def __init__(
        self, reader: str, options: Mapping[str, Any] | None = None, metadata=None, **params
    ):
        super().__init__(metadata=metadata)
        self.reader = reader
        self.options = dict(options or {})
        specs = (metadata or {}).get("parameters", {})
        self.params = check_params(self.metadata.get("name", reader), specs, params)
        self._data: xr.Dataset | xr.DataArray | None = None

    def _get_schema(self) -> Schema:
        return Schema(datashape=None, dtype=None, shape=None, npartitions=1, extra_metadata={})

    def read(self) -> xr.Dataset | xr.DataArray:
        """Run the reader (downloading, or reading the cache) and return its result."""
        if self._data is None:
            self._data = _import_reader(self.reader)(**self.options, **self.params)
        return self._data

    def to_dask(self) -> xr.Dataset | xr.DataArray:
        """The same as :meth:`read`: readers return small, in-memory xarray objects."""
        return self.read()

    def _close(self) -> None:
        self._data = None


def _attribute(data: xr.Dataset | xr.DataArray, meta: Mapping[str, Any], name: str):
    """Stamp the catalog's source, licence and attribution on what an entry returns."""
    data.attrs.setdefault("Conventions", "CF-1.10")
    for key in ("source", "license", "attribution"):
        data.attrs.setdefault(key, str(meta[key]))
    data.attrs["catalog_entry"] = name
    return data


class Catalog:
    """The twinbench data catalog: ``list()``, ``describe(name)``, ``get(name, **params)``.

    Parameters
    ----------
    path : str or Path, optional
        A v1-style intake catalog YAML (default: ``catalogs/twinbench.yaml``).
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else DEFAULT_CATALOG
        if not self.path.is_file():
            raise InputError(
                f"no catalog file at {self.path}; pass the path of a catalog YAML "
                "(the repository ships catalogs/twinbench.yaml)"
            )
        self._cat = intake.open_catalog(str(self.path))
        for name in self.list():
            missing = [k for k in REQUIRED_METADATA if k not in self._meta(name)]
            if missing:
                raise InputError(f"catalog entry {name!r} lacks the metadata {missing}")

    def __repr__(self) -> str:
        return f"<twinbench Catalog {self.path} with {len(self.list())} entries>"

    def list(self) -> list[str]:
        """The entry names, in the catalog's order."""
        return list(self._cat)

    def _entry(self, name: str):
        if name not in self._cat:
            raise InputError(f"no catalog entry {name!r}; the entries are {self.list()}")
        return self._cat._entries[name]

    def _meta(self, name: str) -> dict[str, Any]:
        return dict(self._entry(name).describe()["metadata"])

    @staticmethod
    def _is_reader(entry) -> bool:
        return entry.describe()["driver"] == [ReaderSource.name]

    def describe(self, name: str) -> dict[str, Any]:
        """An entry's description, kind, licence and attribution, source and parameters."""
        entry = self._entry(name)
        meta = self._meta(name)
        return {
            "name": name,
            "description": entry.describe()["description"].strip(),
            "kind": meta["kind"],
            "source": meta["source"],
            "license": meta["license"],
            "attribution": meta["attribution"],
            "parameters": dict(meta.get("parameters", {})),
            **{k: v for k, v in meta.items() if k in ("service", "endpoint", "credentials")},
        }

    def get(self, name: str, **params: Any) -> xr.Dataset | xr.DataArray:
        """Open an entry as CF xarray (shipped data read from disk; remote data fetched/cached).

        Raises
        ------
        InputError
            Unknown entry or parameter, bad parameter value.
        twinbench.data.fetch.DataError
            The service failed (``CredentialsError`` when credentials are missing or refused).
        """
        entry = self._entry(name)
        meta = self._meta(name)
        if entry.describe()["container"] != "xarray":
            raise InputError(f"catalog entry {name!r} does not hold xarray data")
        checked = check_params(name, meta.get("parameters", {}), params)
        source = entry(**checked) if self._is_reader(entry) else entry()
        return _attribute(source.read(), meta, name)


def open_catalog(path: str | Path | None = None) -> Catalog:
    """Open the twinbench data catalog (default: the shipped ``catalogs/twinbench.yaml``).

    >>> cat = open_catalog()
    >>> "ticon4_constants" in cat.list()
    True
    >>> cat.describe("ticon4_constants")["license"]
    'CC-BY-4.0'
    """
    return Catalog(path)
