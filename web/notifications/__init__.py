from flask import Blueprint

from web.access import require_login

bp = Blueprint("notifications", __name__)
require_login(bp)

from web.notifications import routes  # noqa: E402,F401
