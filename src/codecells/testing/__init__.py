"""codecells.testing."""
