"""The Flask application factory."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from flask import Flask

from .config import FakeConfig
from .harness.backend import Backend
from .responses import admin, bulk, lookup, pipeline, records, search, selectors, settings, tracking
from .responses.common import (
    ADMIN_ROOT,
    CLASSIC_ROOT,
    CLASSIC_TRACKING,
    EXTENSION,
    SUITE_ROOT,
    SUITE_TRACKING,
    EntityConverter,
)

__all__ = ["create_app"]

_API_BLUEPRINTS = (records.bp, bulk.bp, search.bp, lookup.bp, selectors.bp, settings.bp)


def _serialised(view: Callable[..., Any], lock: AbstractContextManager[Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return view(*args, **kwargs)

    return locked


def create_app(config: FakeConfig | None = None) -> Flask:
    """A fake Freshsales as a WSGI app: serve it, or drive it with `app.test_client()`.

    ```python
    app = create_app(FakeConfig(accounts=(AccountConfig(domain="acme", api_key="k"),)))
    client = app.test_client()
    client.post("/api/contacts", json={"contact": {"email": "a@b.c"}},
                headers={"Authorization": "Token token=k"})
    ```
    """
    fake = Backend(config or FakeConfig())
    app = Flask(__name__)
    app.extensions[EXTENSION] = fake
    app.url_map.converters["entity"] = EntityConverter
    # One set of routes under each host's root; the handlers read the root from the path.
    for blueprint in _API_BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=CLASSIC_ROOT, name=f"classic_{blueprint.name}")
        app.register_blueprint(blueprint, url_prefix=SUITE_ROOT, name=f"suite_{blueprint.name}")
    app.register_blueprint(tracking.bp, url_prefix=CLASSIC_TRACKING, name="classic_tracking")
    app.register_blueprint(tracking.bp, url_prefix=SUITE_TRACKING, name="suite_tracking")
    app.register_blueprint(admin.bp, url_prefix=ADMIN_ROOT)
    pipeline.install(app)
    # Every handler runs under the state lock, so a route is one atomic change of the fake.
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _serialised(view, fake.lock)
    return app
