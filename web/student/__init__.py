from flask import Blueprint

from web.access import guard_blueprint

bp = Blueprint("student", __name__)
guard_blueprint(bp, "student")

from web.student import offers, privacy, rounds, routes  # noqa: E402,F401
