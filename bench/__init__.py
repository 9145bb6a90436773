"""Benchmarks and the synthetic store generator they share; not part of the installed product."""
