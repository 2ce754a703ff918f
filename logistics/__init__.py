"""Routing, Saturday runs and volunteers, postal batches, sheets and labels."""
