"""Focused benchmarks behind the README's explanations (not part of the tests)."""
