"""The analysis: pure functions over the loaded tables."""
