"""Benchmarks: each module runs with one command and writes its figures to README.md."""
