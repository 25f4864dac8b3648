"""The Talent Bridge web application."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l

from web.config import INSTANCE_DIR, Config, config_from_env
from web.request_id import TalentBridge


def create_app(config: Config | type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the app; tests pass a config object or a mapping of overrides."""
    app = TalentBridge(__name__, instance_path=str(INSTANCE_DIR))
    if config is None:
        app.config.from_object(config_from_env())
    elif isinstance(config, dict):
        app.config.from_object(config_from_env())
        app.config.update(config)
    else:
        app.config.from_object(config)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from web import i18n, logging_setup, models, ops, outbox, request_id, security
    from web.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from web.i18n import select_locale, select_timezone

    request_id.init_app(app)  # first, so that every later hook and log line has the id
    logging_setup.init_app(app)  # its access line is written after every other hook
    db.init_app(app)
    ops.init_app(app)  # slow statements and 5xx answers counted (needs the engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    i18n.init_app(app)  # a fresh language for each request
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    outbox.init_app(app)  # emails written in a request go out after its commit

    @login_manager.user_loader
    def load_user(session_id: str) -> models.User | None:
        """The user for a session id "<id>:<token>"; an old token means a logged-out session."""
        user_id, _sep, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(models.User, int(user_id))
        if user is None or not token or not secrets.compare_digest(user.session_token, token):
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from web.auth import bp as auth_bp
    from web.coordinator import bp as coordinator_bp
    from web.employer import bp as employer_bp
    from web.notifications import bp as notifications_bp
    from web.ops import operations as operations_bp
    from web.ops import probes as probes_bp
    from web.public import bp as public_bp
    from web.student import bp as student_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(student_bp, url_prefix="/student")
    app.register_blueprint(employer_bp, url_prefix="/employer")
    app.register_blueprint(coordinator_bp, url_prefix="/coordinator")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(probes_bp)
    app.register_blueprint(operations_bp, url_prefix="/coordinator/operations")


def register_errorhandlers(app: Flask) -> None:
    from web import request_id
    from web.extensions import db

    def render_error(error: Any) -> tuple[str, int]:
        """A friendly page; a 500 shows the request id to quote, never the exception."""
        code = getattr(error, "code", 500) or 500
        if code < 500:
            return render_template("errors/error.html", code=code), code
        db.session.rollback()  # a failed flush (IntegrityError...) leaves nothing half-done
        context = {"code": code, "request_id": request_id.current()}
        try:
            return render_template("errors/error.html", **context), code
        except Exception:  # e.g. the database is down: the menu cannot be drawn
            app.logger.exception("The error page failed; sending the plain one")
            db.session.rollback()
            return render_template("errors/plain.html", **context), code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)

    @app.teardown_request
    def roll_back_on_error(error: BaseException | None) -> None:
        """Also when an exception propagates (debugging, tests) and no handler ran."""
        if error is not None:
            db.session.rollback()


def register_template_helpers(app: Flask) -> None:
    from web import formatting

    formatting.register(app)

    @app.context_processor
    def inject_request_path() -> dict[str, Any]:
        return {"current_path": request.path}


def register_commands(app: Flask) -> None:
    from web.cli import register
    from web.ops.cli import ops_cli

    register(app)
    app.cli.add_command(ops_cli)
