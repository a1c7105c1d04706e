"""Runnable examples: `python -m kerasnet.examples.digits`."""
