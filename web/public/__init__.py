from flask import Blueprint

bp = Blueprint("public", __name__)

from web.public import language, privacy, routes  # noqa: E402,F401
