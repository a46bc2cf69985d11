"""Benchmark harness and load run for the tracker (`make bench`, `make load`)."""
