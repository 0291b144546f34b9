"""Scenarios as data: YAML files that name a domain, dates, physics, the sea and the rivers."""

from twinbench.scenarios.runner import model_for, read_stations, run, write
from twinbench.scenarios.scenario import Scenario, load, shipped

__all__ = ["Scenario", "load", "model_for", "read_stations", "run", "shipped", "write"]
