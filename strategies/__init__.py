"""Hypothesis strategies for the Sequrity Messages contract, compiled from the schemas."""
