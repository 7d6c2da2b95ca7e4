"""Who may open the links of messages that work without signing in (NTF-01): confirming a
marketing opt-in and unsubscribing.

The signed token in the address is the only authorisation, so every actor of the main matrix
(tests/web/test_authorization_matrix.py) gets the same answer: the page (200) for a valid
link, an error page (400) for an altered one. Opening a page changes nothing; a POST with a
valid link changes the consent; a POST with an altered link leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from hostledger.notifications.tokens import opt_in_token, unsubscribe_token
from hostledger.privacy.actions_consents import marketing_consent_request
from hostledger.privacy.models import MarketingConsent, MarketingConsentChange
from tests.web.test_authorization_matrix import (  # noqa: F401  (fixtures)
    ACTORS,
    World,
    built_world,
    database_state,
    world,
)


@dataclass
class LinksWorld:
    """The main World, with client A's email opt-in waiting for confirmation and A's SMS
    consent given."""

    world: World
    opt_in: str
    unsubscribe: str

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture
def links_world(world) -> LinksWorld:  # noqa: F811  (the imported fixture)
    client_a = world.client_a
    email = marketing_consent_request(client=client_a, channel="email", source="client_area")
    marketing_consent_request(client=client_a, channel="sms", source="client_area")
    return LinksWorld(
        world,
        opt_in=opt_in_token(consent_public_id=email.public_id, request_number=1),
        unsubscribe=unsubscribe_token(client_public_id=client_a.public_id, channel="sms"),
    )


def state() -> dict:
    return {
        **database_state(),
        "consents": list(MarketingConsent.objects.order_by("pk").values()),
        "consent_changes": MarketingConsentChange.objects.count(),
    }


def altered(token: str) -> str:
    return token[:-4] + ("abcd" if not token.endswith("abcd") else "efgh")


@dataclass(frozen=True)
class Link:
    name: str
    token: Callable[[LinksWorld], str]
    method: str = "GET"
    status: int = 200
    changes: bool = False

    def url(self, links: LinksWorld) -> str:
        return reverse(f"web:{self.name}", args=[self.token(links)])


LINKS = [
    Link("notifications_opt_in_confirm", lambda links: links.opt_in),
    Link("notifications_opt_in_confirm", lambda links: links.opt_in, "POST", changes=True),
    Link("notifications_opt_in_confirm", lambda links: altered(links.opt_in), "POST", 400),
    Link("notifications_unsubscribe", lambda links: links.unsubscribe),
    Link("notifications_unsubscribe", lambda links: links.unsubscribe, "POST", changes=True),
    Link("notifications_unsubscribe", lambda links: altered(links.unsubscribe), "GET", 400),
    Link("notifications_unsubscribe", lambda links: altered(links.unsubscribe), "POST", 400),
]

CASES = [
    pytest.param(
        link,
        actor,
        id=f"{link.method} {link.name} {'valid' if link.status == 200 else 'altered'} as {actor}",
    )
    for link in LINKS
    for actor in ACTORS
]


def test_every_link_page_is_in_the_table():
    """A new URL in urls_public_notifications fails here until this matrix names it."""
    from hostledger.web import urls_public_notifications

    patterns = {pattern.name for pattern in urls_public_notifications.urlpatterns}
    assert patterns == {link.name for link in LINKS}


@pytest.mark.parametrize(("link", "actor"), CASES)
def test_public_notification_links_matrix__NTF_01(link: Link, actor: str, links_world, client):
    http = links_world.sign_in(client, actor)
    url = link.url(links_world)
    before = state()

    response = http.post(url) if link.method == "POST" else http.get(url)

    assert response.status_code == link.status, response.content[:600]
    if link.changes:
        assert state() != before, "a valid link's POST changed nothing"
    else:
        assert state() == before, "opening a page or an altered link changed data"


def test_a_get_or_post_is_all_the_links_answer(links_world, client):
    """Other methods are refused (405) and change nothing."""
    before = state()
    for name, token in (
        ("notifications_opt_in_confirm", links_world.opt_in),
        ("notifications_unsubscribe", links_world.unsubscribe),
    ):
        assert client.put(reverse(f"web:{name}", args=[token])).status_code == 405
    assert state() == before
