"""Versioned data files of the evidence package (YAML, CSV) and their provenance notes."""
