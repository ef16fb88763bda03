"""Benchmarks run by `make bench`; each module exposes `run() -> dict[str, float | int]`."""
