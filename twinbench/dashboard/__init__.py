"""The simulation dashboard served by ``twinbench serve``: choose a scenario and its forcing
(or upload files, checked), predict the compute time, launch runs on Dask, follow them in a
table read from the run index, and open a run's configuration, log, preview and downloads.

The logic lives in plain modules (:mod:`.forcing`, :mod:`.uploads`, :mod:`.jobs`,
:mod:`.history`); :mod:`.app` is the Panel layout and :mod:`.server` the server. Panel and
Dask are imported only when the page is built or served.
"""

from twinbench.dashboard.server import serve

__all__ = ["serve"]
