"""Routes for spoken answers (being built)."""

from flask import Blueprint

bp = Blueprint("listen", __name__, url_prefix="/api")
