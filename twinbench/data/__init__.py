"""Data for the twins: catalogs of observations, products and forcing, with cached downloads.

:func:`open_catalog` opens the catalog (``catalogs/twinbench.yaml``); readers of the services
live in their own modules (:mod:`~twinbench.data.emodnet`, :mod:`~twinbench.data.refmar`,
:mod:`~twinbench.data.gesla`, :mod:`~twinbench.data.copernicus`,
:mod:`~twinbench.data.sentinel2`, :mod:`~twinbench.data.era5`, :mod:`~twinbench.data.hubeau`,
:mod:`~twinbench.data.openmeteo`), all going through :mod:`~twinbench.data.fetch`. intake is
imported by :mod:`twinbench.data.catalog` only, and only when a catalog is opened.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Catalog", "open_catalog"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from twinbench.data import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module 'twinbench.data' has no attribute {name!r}")
