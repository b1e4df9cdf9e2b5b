"""Marginalia: an offline close-reading desk for highlighting, tagging and exporting."""

__version__ = "0.1.0"
