"""Benchmarks, each runnable as ``python -m bench.<name>``; figures go to bench/README.md."""
