"""Exports: trajectory data (CSV/JSON), images and animations of a scenario."""
