"""Routes for speech (being built)."""

from flask import Blueprint

bp = Blueprint("speech", __name__)
