"""Nightly patrol planner for Polres Trenggalek's Warkop Kamtibmas programme."""

__version__ = "0.1.0"
