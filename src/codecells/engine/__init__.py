"""The QuickJS engine: one cell's JavaScript, limits, and the host<->engine protocol."""
