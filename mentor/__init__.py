"""Architect Mentor."""
