"""Operations: health probes for the load balancer, and the counts operators watch.

Two blueprints, since they are guarded differently: ``probes`` (``/healthz``,
``/readyz``) answers anyone, ``operations`` (``/coordinator/operations``) only
coordinators.
"""

from flask import Blueprint, Flask

from web.access import guard_blueprint

probes = Blueprint("probes", __name__)
operations = Blueprint("operations", __name__)
guard_blueprint(operations, "coordinator")


def init_app(app: Flask) -> None:
    """Time SQL statements and count 5xx answers (web/ops/monitoring.py)."""
    from web.ops import monitoring

    monitoring.init_app(app)


from web.ops import health, routes  # noqa: E402,F401
