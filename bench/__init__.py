"""Benchmarks: each module `bench/<name>.py` has `main(argv)` and prints ratios against a baseline
measured in the same run. Run one with `python -m bench.<name>`, all with `python -m bench`."""
