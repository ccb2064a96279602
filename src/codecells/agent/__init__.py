"""codecells.agent."""
