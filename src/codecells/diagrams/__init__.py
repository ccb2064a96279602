"""codecells.diagrams."""
