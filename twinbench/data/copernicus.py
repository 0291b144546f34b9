"""Copernicus Marine products through the official ``copernicusmarine`` client.

Two products are wired in the catalog:

* IBI physics, ``IBI_ANALYSISFORECAST_PHY_005_001`` (1/36°, daily means of temperature
  ``thetao``, salinity ``so``, currents ``uo``/``vo`` and sea surface height ``zos``);
* ocean-colour suspended particulate matter and turbidity over the North-East Atlantic,
  ``OCEANCOLOUR_ATL_BGC_L3_NRT_009_111`` (optics dataset: ``SPM`` in g m-3, ``TUR`` in FNU).

``copernicusmarine.subset`` writes a NetCDF subset; it is cached in ``$TWINBENCH_CACHE``
(:func:`twinbench.data.fetch.cached_product`: keyed by the request, hash-checked on reuse).
Credentials come from the environment — ``COPERNICUSMARINE_SERVICE_USERNAME`` and
``COPERNICUSMARINE_SERVICE_PASSWORD`` (a free account at https://data.marine.copernicus.eu) —
and are checked before anything is imported or sent, so a missing variable is a clear
:class:`CredentialsError`, and refused credentials are one too.

Licence: Copernicus Marine Service licence (free; cite "E.U. Copernicus Marine Service
Information" and the product DOI).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import CredentialsError, DataError, cached_product

SERVICE = "Copernicus Marine"
USER_VARIABLE = "COPERNICUSMARINE_SERVICE_USERNAME"
PASSWORD_VARIABLE = "COPERNICUSMARINE_SERVICE_PASSWORD"
IBI_DATASET = "cmems_mod_ibi_phy_anfc_0.027deg-3D_P1D-m"
OCEAN_COLOUR_DATASET = "cmems_obs-oc_atl_bgc-optics_nrt_l3-multi-1km_P1D"
ATTRIBUTION = "Generated using E.U. Copernicus Marine Service Information; {doi}"
DOIS = {
    "IBI_ANALYSISFORECAST_PHY_005_001": "https://doi.org/10.48670/moi-00027",
    "OCEANCOLOUR_ATL_BGC_L3_NRT_009_111": "https://doi.org/10.48670/moi-00284",
}


def credentials() -> tuple[str, str]:
    """The Copernicus Marine user name and password from the environment, or a clear error."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    missing = [name for name, v in ((USER_VARIABLE, user), (PASSWORD_VARIABLE, password)) if not v]
    if missing:
        raise CredentialsError(
            f"{SERVICE} needs an account: set the environment variables {' and '.join(missing)} "
            "(free registration at https://data.marine.copernicus.eu/register)."
        )
    return user, password


def _client():
    try:
        import copernicusmarine
    except ImportError as err:
        raise DataError(
            f"{SERVICE} data need the copernicusmarine client: pip install 'twinbench[data]'"
        ) from err
    return copernicusmarine


def subset(
    dataset_id: str,
    variables: Sequence[str],
    bbox: Any,
    start: Any,
    end: Any,
    *,
    depth: tuple[float, float] | None = None,
) -> xr.Dataset:
    """A subset of a Copernicus Marine dataset, downloaded once into the cache.

    Raises
    ------
    CredentialsError
        Missing credential variables, or credentials the service refused.
    DataError
        The client failed otherwise.
    """
    box = _cf.bbox(bbox)
    t0, t1 = _cf.period(start, end)
    names = _cf.names(variables, "variables")
    user, password = credentials()
    request = {
        "dataset_id": dataset_id,
        "variables": names,
        "minimum_longitude": box[0],
        "minimum_latitude": box[1],
        "maximum_longitude": box[2],
        "maximum_latitude": box[3],
        "start_datetime": t0.isoformat(),
        "end_datetime": t1.isoformat(),
    }
    if depth is not None:
        request |= {"minimum_depth": float(depth[0]), "maximum_depth": float(depth[1])}

    def produce(path: Path) -> None:
        client = _client()
        try:
            client.subset(
                **request,
                username=user,
                password=password,
                output_directory=str(path.parent),
                output_filename=path.name,
                file_format="netcdf",
                overwrite=True,
                disable_progress_bar=True,
            )
        except client.InvalidUsernameOrPassword as err:
            raise CredentialsError(
                f"{SERVICE} refused the credentials in {USER_VARIABLE}/{PASSWORD_VARIABLE}: {err}"
            ) from err
        except Exception as err:  # the client raises many types; all mean "no data"
            raise DataError(f"{SERVICE} could not deliver {dataset_id}: {err}") from err

    path = cached_product(request, service=SERVICE, suffix=".nc", produce=produce)
    with xr.open_dataset(path) as ds:
        return ds.load()


def _finish(ds: xr.Dataset, product: str, dataset_id: str) -> xr.Dataset:
    ds.attrs.update(
        _cf.attribution(
            f"Copernicus Marine Service {product} ({dataset_id})",
            "Copernicus Marine Service licence (free; cite the source)",
            ATTRIBUTION.format(doi=DOIS[product]),
        )
    )
    return _cf.with_coords(ds)


def ibi_physics(
    bbox: Any,
    start: Any,
    end: Any,
    *,
    variables: Sequence[str] = ("thetao", "so", "uo", "vo", "zos"),
    dataset_id: str = IBI_DATASET,
    max_depth: float = 5.0,
) -> xr.Dataset:
    """IBI physics (IBI_ANALYSISFORECAST_PHY_005_001) for a box, a period and the top layers.

    Parameters
    ----------
    bbox : sequence or str
        ``(lon_min, lat_min, lon_max, lat_max)``, degrees.
    start, end : str or datetime
        The period (UTC).
    variables : sequence of str
        Dataset variables (CF names and units as delivered by Copernicus Marine).
    dataset_id : str
        The dataset of the product (daily 3-D means by default).
    max_depth : float
        Deepest level kept, m.
    """
    ds = subset(dataset_id, variables, bbox, start, end, depth=(0.0, float(max_depth)))
    return _finish(ds, "IBI_ANALYSISFORECAST_PHY_005_001", dataset_id)


def ocean_colour(
    bbox: Any,
    start: Any,
    end: Any,
    *,
    variables: Sequence[str] = ("SPM", "TUR"),
    dataset_id: str = OCEAN_COLOUR_DATASET,
) -> xr.Dataset:
    """Ocean-colour suspended matter (SPM, g m-3) and turbidity (TUR, FNU), daily L3, 1 km."""
    ds = subset(dataset_id, variables, bbox, start, end)
    return _finish(ds, "OCEANCOLOUR_ATL_BGC_L3_NRT_009_111", dataset_id)
