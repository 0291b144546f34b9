"""Domains as CF datasets: analytic basins now, realistic estuaries later."""

from twinbench.domains.basins import channel, dam_break, tidal_basin

__all__ = ["channel", "dam_break", "tidal_basin"]
