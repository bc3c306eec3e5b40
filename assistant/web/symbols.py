"""Routes for symbols (being built)."""

from flask import Blueprint

bp = Blueprint("symbols", __name__)
