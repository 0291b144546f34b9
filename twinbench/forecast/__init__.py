"""The 10-day forecast: tide, river recession and forecast weather → a run → alerts.

>>> from twinbench.forecast import run_forecast
>>> fc = run_forecast(offline=True, days=2)  # doctest: +SKIP
>>> fc.alerts  # doctest: +SKIP

See ``docs/forecast.md``. Importing this package registers the ``weather`` and ``wind_scale``
what-ifs.
"""

from twinbench.forecast.indicators import LOW_FLOW_THRESHOLDS, river_indicators
from twinbench.forecast.pipeline import Forecast, run_forecast
from twinbench.forecast.rivers import Recession, fit_recession, recession_series
from twinbench.scenarios.weather import Weather, WindScale, weather_from_dataset

__all__ = [
    "LOW_FLOW_THRESHOLDS",
    "Forecast",
    "Recession",
    "Weather",
    "WindScale",
    "fit_recession",
    "recession_series",
    "river_indicators",
    "run_forecast",
    "weather_from_dataset",
]
