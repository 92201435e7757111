"""What the pages claim Floqer holds: only what was checked, and as of when if it cannot be."""

from __future__ import annotations

import httpx
import pytest

from tests.app.flows import (
    ACCOUNT_SYNC,
    add_connection,
    curl_path,
    form_fields,
    soup,
    start_configuration,
    text_of,
)
from tests.conftest import AppFactory, RunningApp
from tests.support import TLS

ROWS = [("Domain__c", "{{input.domain}}"), ("Name", "{{input.company_name}}")]


@pytest.fixture
def app(start_app: AppFactory) -> RunningApp:
    """An app that reads Floqer's step every time a configuration is shown."""
    return start_app(floqer_recheck_seconds=0)


def state(web: httpx.Client, config: int) -> str:
    """The state line the configuration page loads in the background."""
    answer = web.get(f"/configurations/{config}/floqer-state")
    assert answer.status_code == 200
    section = soup(answer).find(id="floqer-state")
    assert section is not None, answer.text
    return " ".join(section.get_text(" ").split())


def state_shown_at_once(web: httpx.Client, config: int) -> str:
    """The state line as the page renders it before anything is checked."""
    section = soup(web.get(f"/configurations/{config}")).find(id="floqer-state")
    assert section is not None
    return " ".join(section.get_text(" ").split())


def change_in_floqer(app: RunningApp, web: httpx.Client, config: int) -> None:
    """Someone edits the step in Floqer itself."""
    with app.sandbox_api() as api:
        changed = api.patch(
            curl_path(web.get(f"/configurations/{config}")),
            json={"inputs": {"ignore_empty_values": False}},
        )
        assert changed.status_code == 200


def test_the_state_follows_saves_pushes_and_changes_made_in_floqer(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    # Version 1 is what the step held: Floqer holds it, but it was never pushed from here.
    first = state(web, config)
    assert "In Floqer: this version" in first
    assert "never pushed from here" in first

    web.post(
        f"/configurations/{config}/save",
        data=form_fields("Accounts", "Account", "Domain__c", ROWS),
    )
    # Saved, not pushed: the page says so before and after it checks.
    assert "In Floqer: version 1 (older)" in state_shown_at_once(web, config)
    older = state(web, config)
    assert "In Floqer: version 1 (older)" in older
    assert "Version 2 is saved here but not pushed" in older

    pushed = web.post(
        f"/configurations/{config}/push",
        data=form_fields("Accounts", "Account", "Domain__c", ROWS, version=2),
    )
    assert pushed.status_code == 303
    now = state(web, config)
    assert "In Floqer: this version" in now
    assert "holds version 2, exactly as saved here" in now

    change_in_floqer(app, web, config)
    changed = state(web, config)
    assert "Changed in Floqer since your last push — review" in changed
    review = soup(web.get(f"/configurations/{config}/floqer-state")).find(
        "a", string="Review the differences with Floqer's step"
    )
    assert review is not None
    assert review["href"] == f"/configurations/{config}/versions/compare?a=2&b=floqer"
    # The push of version 2 is history now, not a green "Pushed to Floqer".
    page = text_of(web.get(f"/configurations/{config}"))
    assert "Last push: version 2" in page
    assert "Pushed to Floqer" not in page
    # The home list says the same once its background check ran.
    web.get("/floqer-states")
    assert "Changed in Floqer" in text_of(web.get("/"))


def test_taking_floqers_version_is_never_shown_as_pushed(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    web.post(
        f"/configurations/{config}/push",
        data=form_fields("Accounts", "Account", "Domain__c", ROWS),
    )
    change_in_floqer(app, web, config)
    web.post(f"/configurations/{config}/pull")
    taken = web.post(f"/configurations/{config}/take-floqer-version", data={"base_version": "2"})
    assert taken.headers["location"].endswith("notice=took-floqer-v3")
    page = text_of(web.get(taken.headers["location"]))
    assert "saved as version 3, the settings Floqer's step holds" in page
    assert "Push it to keep them equal" not in page
    assert "Last push: version 2" in page
    assert "Pushed to Floqer" not in page
    taken_state = state(web, config)
    assert "In Floqer: this version" in taken_state
    assert "version 3, which was never pushed from here" in taken_state


def test_when_floqer_cannot_be_read_the_last_known_state_is_shown_with_its_time(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web, key="floq_state_0001"), ACCOUNT_SYNC)
    assert "In Floqer: this version" in state(web, config)
    httpx.post(
        f"{app.sandbox_url}/_sandbox/revoked-keys", json={"api_key": "floq_state_0001"}, verify=TLS
    )
    unreachable = state(web, config)
    assert "Floqer unreachable, last known state from" in unreachable
    assert "UTC" in unreachable
    assert "In Floqer: this version" in unreachable  # as last known, said as such
    assert "floq_state_0001" not in unreachable
    web.get("/floqer-states")
    home = text_of(web.get("/"))
    assert "Floqer unreachable; as of" in home


def test_a_new_configuration_knows_what_its_step_held_and_a_viewer_sees_the_state(
    app: RunningApp, web: httpx.Client
) -> None:
    config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
    with app.signed_in() as admin:
        home = text_of(admin.get("/"))
    assert "In Floqer" in home
    app.add_user("viewer@example.com", "viewer", "viewer-token-0001")
    with app.signed_in("viewer-token-0001") as viewer:
        assert "In Floqer: this version" in state(viewer, config)


def test_comparing_with_floqers_step_now_updates_what_the_page_says(
    start_app: AppFactory,
) -> None:
    app = start_app()  # the usual recheck time: the state line does not read Floqer again
    with app.signed_in() as web:
        config = start_configuration(web, add_connection(web), ACCOUNT_SYNC)
        assert "In Floqer: this version" in state(web, config)
        change_in_floqer(app, web, config)
        compared = web.get(
            f"/configurations/{config}/versions/compare", params={"a": "1", "b": "floqer"}
        )
        assert "Floqer's step now" in text_of(compared)
        assert "Changed in Floqer since your last push" in state_shown_at_once(web, config)
