"""The built-in demo: demo tools (no network) and the ``codecells demo`` main job."""
