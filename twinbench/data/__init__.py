"""Data for the twins: catalogs of observations, products and forcing, with cached downloads."""
