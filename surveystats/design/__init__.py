"""Respondent-level data (placeholder until the design-core slice lands)."""
