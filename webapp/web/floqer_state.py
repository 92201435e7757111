"""What Floqer holds for a step, checked in the background when a page shows a configuration.

The configuration page and the home list render the state last seen at once, then ask these
routes, which read Floqer (one call per configuration, at most a few per home view) and
answer the state again, checked.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from webapp.services import dashboard
from webapp.services.configurations import get_configuration
from webapp.services.dashboard import Filters
from webapp.services.floqer_state import check, needs_check, pushed_versions, state_of
from webapp.web.auth import Viewer
from webapp.web.deps import CtxDep, SessionDep, floqer_for, render

router = APIRouter()

# The home list checks at most this many configurations per view, the least recently checked
# first: a long list is brought up to date over a few views, never with a burst of calls
# against the rate limit of Floqer's keys.
HOME_CHECKS = 5


@router.get("/configurations/{configuration_id}/floqer-state")
def configuration_state(
    request: Request, ctx: CtxDep, session: SessionDep, configuration_id: int, caller: Viewer
) -> Response:
    config = get_configuration(session, configuration_id)
    if needs_check(config, ctx.settings.floqer_recheck_seconds):
        state = check(session, config, floqer_for(ctx, config.connection))
    else:
        state = state_of(config)
    context = {"config": config, "floqer_state": state, "page_url": f"/configurations/{config.id}"}
    return render(request, "_floqer_state.html", context)


@router.get("/floqer-states")
def home_states(request: Request, ctx: CtxDep, session: SessionDep, caller: Viewer) -> Response:
    """The home list's state cells, checked: of the configurations the list shows (it passes
    its own filters along), so every cell answered is on the page."""
    recheck = ctx.settings.floqer_recheck_seconds
    shown = dashboard.apply(dashboard.every_row(session), Filters.from_query(request.query_params))
    configs = [c for c, _, _ in shown if needs_check(c, recheck)]
    configs.sort(key=lambda c: (c.floqer_checked_at is not None, c.floqer_checked_at))
    checked = configs[:HOME_CHECKS]
    for config in checked:
        check(session, config, floqer_for(ctx, config.connection))
    pushed = pushed_versions(session, [c.id for c in checked])
    states = [(c, state_of(c, pushed[c.id])) for c in checked]
    return render(request, "home.html", {"states": states}, block="state_cells")
