"""Evaluation suites, metrics, baselines, reports and benchmarks."""
