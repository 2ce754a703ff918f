"""Rollups into public facts, dashboards, exports and targets."""
