"""Report commands for `flask --app assistant ...` (being built)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the report commands."""
