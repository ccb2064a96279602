"""codecells.demo."""
