from flask import Blueprint

from web.access import guard_blueprint

bp = Blueprint("coordinator", __name__)
guard_blueprint(bp, "coordinator")

from web.coordinator import audit, exports, imports, reviews, rounds, routes  # noqa: E402,F401
