"""The app factory: everything long-lived is built in the lifespan, nothing at import time."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from jinja2 import BytecodeCache, Environment, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.middleware.gzip import GZipMiddleware

from webapp import api
from webapp.redaction import install_redaction
from webapp.resources import resource_dir
from webapp.runtime import running
from webapp.settings import Settings
from webapp.web import (
    account,
    admin,
    browse,
    bulk_apply,
    configurations,
    connections,
    errors,
    floqer_state,
    fragments,
    pages,
    sessions,
    test_runs,
    transfer,
    versions,
)
from webapp.web.assets import HashedStatic
from webapp.web.guard import CatchUnexpected, FrontDoor
from webapp.web.rendered import GZIP_LEVEL, MIN_GZIP
from webapp.web.security import SecurityHeaders

log = logging.getLogger("webapp")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Floqer Upsert Configurator",
        lifespan=_lifespan(settings),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    static = HashedStatic(resource_dir("static"))
    app.state.templates = templates(static.url)
    app.mount("/static", static, name="static")
    for module in (
        sessions,
        pages,
        connections,
        browse,
        configurations,
        fragments,
        floqer_state,
        test_runs,
        versions,
        transfer,
        bulk_apply,
        admin,
        account,
    ):
        # The routes as their module built them at import, not app.include_router(): FastAPI
        # would derive every route of an included router again for each app, on its first
        # request (~0.1 s of CPU; the test suite starts hundreds of apps). Same routes, same
        # order, and none of include_router's options (prefix, tags, dependencies) is used.
        app.router.routes.extend(module.router.routes)
    app.router.routes.extend(api.served_routes())  # the JSON API under /api/v1, and its docs
    errors.install(app)
    api.install(app)  # under /api/v1, every error is the API's JSON envelope
    # Added innermost first: CatchUnexpected sits right around the routes, FrontDoor refuses
    # foreign hosts and oversized bodies before anything else runs, and every answer,
    # refusals included, leaves with the security headers.
    app.add_middleware(CatchUnexpected)
    app.add_middleware(
        FrontDoor,
        trusted_proxies=settings.forwarded_from,
        allowed_hosts=settings.allowed_hosts,
        max_body_bytes=settings.max_body_bytes,
    )
    # Pages and fragments over 1 KiB leave gzipped (their CSRF tokens are masked afresh in
    # each answer, webapp.web.csrf_mask, against BREACH).
    # Level 3: the 900-field list to 15 KiB in 1.0 ms (level 6: 14 KiB in 2.3 ms).
    app.add_middleware(GZipMiddleware, minimum_size=MIN_GZIP, compresslevel=GZIP_LEVEL)
    # Outermost: the headers go on the answer as it leaves, compressed or not, and its
    # Server-Timing counts the compression too.
    app.add_middleware(SecurityHeaders)
    return app


class _CompiledTemplates(BytecodeCache):
    """Compiled templates, kept for the process: keyed by name and source checksum, so an
    edited template compiles again; a second app in the same process (the test suite starts
    hundreds) does not compile them all again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@functools.cache
def _compiled_templates() -> _CompiledTemplates:
    return _CompiledTemplates()


def templates(static_url: Callable[[str], str] | None = None) -> Jinja2Blocks:
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        bytecode_cache=_compiled_templates(),
        # Every template is HTML: escape everything, whatever the file name says.
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the app and never change under a running process: no stat()
        # of each template file on every render.
        auto_reload=False,
    )
    # The macros are a global, so a block rendered alone (an htmx fragment) has them too.
    env.globals["static_url"] = static_url or (lambda name: f"/static/{name}")
    env.globals["ui"] = env.get_template("_macros.html").module
    return Jinja2Blocks(env=env)


def _lifespan(settings: Settings):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_redaction()
        threads = max(40, 2 * settings.floqer_calls_pending + 8)
        with running(settings, pool_size=threads) as ctx:
            # Sync routes run on this pool: room for every Floqer call the gate lets wait,
            # and as many again for pages that never call Floqer.
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
            app.state.ctx = ctx
            where = (
                f"the embedded sandbox ({ctx.floqer_base_url})"
                if settings.uses_sandbox
                else ctx.floqer_base_url
            )
            log.info("serving with Floqer at %s", where)
            yield

    return lifespan
