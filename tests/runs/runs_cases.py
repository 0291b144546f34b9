"""The runs tests' small scenario (a module with its own name: every test folder has a
``conftest``, and which one ``import conftest`` finds depends on the collection order)."""

#: The tidal basin (2000 cells) in float64: 3 h of an M2 tide, outputs every 30 min.
TIDAL_BASIN = {
    "name": "tidal-basin",
    "domain": {"name": "tidal_basin", "resolution": 400.0},
    "start": "2024-03-10T00:00",
    "duration": "3h",
    "output_every": "30min",
    "dtype": "float64",
    "physics": {"friction": {"law": "manning", "coefficient": 0.025}},
    "tide": {"constituents": {"M2": [1.0, 0.0]}},
}
#: Outputs per chunk in these tests: 3 chunks (and checkpoints) per run.
EVERY = 2
