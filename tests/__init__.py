"""fraudnum test suite."""
