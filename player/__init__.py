"""The coursepack web player: create_app() is the application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, overridden by `config` (the tests pass theirs)."""
    app = Flask(__name__, instance_relative_config=True, template_folder="web/templates", static_folder="web/static")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from player.store.keeping import Memory
    from player.web import access, auth, content, db, edge, errors, i18n, pages, security, templating
    from player.web.config import finalise, from_environment
    from player.web.views import account, catalog, certificates, data, learn, lti, offline, outbox, preview, quiz, sync, trainer

    app.config.update(from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    finalise(app.config)

    edge.init_app(app)
    db.init_app(app)
    pages.init_app(app, Memory())
    content.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    for blueprint in (catalog.bp, learn.bp, quiz.bp, sync.bp, offline.bp, account.bp, certificates.bp, preview.bp, trainer.bp, data.bp):
        app.register_blueprint(blueprint)
    lti.init_app(app)
    outbox.init_app(app)
    access.init_app(app)
    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app
