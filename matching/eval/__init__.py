"""Evaluation data and its seeded generator for the matcher."""
