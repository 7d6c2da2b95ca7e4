"""Who may open every page of the abuse desk and send its forms (ABU-01 … ABU-03; ACC-06,
ACC-09, ACC-11, habit 6).

The same actors as tests/web/test_authorization_matrix.py (its World, by import): anyone may
send the public report form; anonymous visitors are sent to sign in elsewhere; client B gets
404 for A's cases; a read-only trusted user of A reads them but cannot answer (403); staff
without a client account are sent to the staff area. Every staff page needs
``abuse.manage`` (the abuse role and the administrator). Every refused POST is checked to
have left the database as it was.

Client A has three cases: one notified (with an evidence file), one new (not yet shown to
A), one whose remedy A claimed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from hostledger.abuse.actions import abuse_case_answer, abuse_case_notify
from hostledger.abuse.intake import EvidenceFile, abuse_case_open
from hostledger.abuse.models import (
    AbuseCase,
    AbuseCaseEvent,
    AbuseEvidence,
    AbuseIntakeAttempt,
    Category,
    Source,
)
from tests.web.conftest import STAFF_ROLES
from tests.web.test_authorization_matrix import (  # noqa: F401  (built_world is a fixture)
    ACTORS,
    Endpoint,
    World,
    built_world,
    client_page,
    database_state,
    staff_page,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40
MANAGERS = ("abuse", "administrator")


@dataclass
class AbuseWorld:
    world: World
    notified: AbuseCase
    fresh: AbuseCase
    claimed: AbuseCase
    file_sha256: str

    def sign_in(self, http, actor: str):
        return self.world.sign_in(http, actor)


@pytest.fixture(scope="module")
def built_abuse_world(built_world) -> AbuseWorld:  # noqa: F811
    """Built once for the module, in the transaction of ``built_world``."""
    world = built_world
    officer = world.staff["abuse"]

    def case(text, **extra):
        return abuse_case_open(
            source=Source.STAFF,
            category=Category.SPAM,
            text=text,
            client=world.client_a,
            **extra,
        )

    notified = abuse_case_notify(
        case=case("Spam from your server.", files=[EvidenceFile("shot.png", PNG)]),
        actor=officer,
    )
    fresh = case("Another report.")
    claimed = abuse_case_notify(case=case("Malware."), actor=officer)
    claimed = abuse_case_answer(
        case=claimed,
        client=world.client_a,
        author=world.owner_a,
        text="Cleaned.",
        remedied=True,
    )
    sha256 = AbuseEvidence.objects.get(case=notified, kind="file").sha256
    return AbuseWorld(world, notified, fresh, claimed, sha256)


@pytest.fixture
def abuse_world(built_abuse_world, db) -> AbuseWorld:
    return built_abuse_world


def state() -> dict:
    """What the abuse pages can change."""
    return {
        **database_state(),
        "cases": list(AbuseCase.objects.order_by("pk").values()),
        "events": AbuseCaseEvent.objects.count(),
        "evidence": AbuseEvidence.objects.count(),
        "intake": AbuseIntakeAttempt.objects.count(),
    }


def notified(aw):
    return [aw.notified.public_id]


def fresh(aw):
    return [aw.fresh.public_id]


def claimed(aw):
    return [aw.claimed.public_id]


def notified_file(aw):
    return [aw.notified.public_id, aw.file_sha256]


EVERYONE = dict.fromkeys(ACTORS, 200)

ENDPOINTS = [
    # ---- public
    Endpoint("abuse_report", EVERYONE),
    Endpoint(
        "abuse_report",
        EVERYONE,
        method="POST",
        data=lambda aw: {"category": "spam", "text": "Spam from 192.0.2.44 today."},
        writers=frozenset(ACTORS),
    ),
    # ---- client area
    Endpoint("abuse_case_list", client_page(owner_a=200, owner_b=200, readonly_a=200)),
    Endpoint("abuse_case_detail", client_page(owner_a=200, owner_b=404, readonly_a=200), notified),
    Endpoint(
        "abuse_evidence_file",
        client_page(owner_a=200, owner_b=404, readonly_a=200),
        notified_file,
    ),
    Endpoint(
        "abuse_case_answer",
        client_page(owner_a=302, owner_b=404, readonly_a=403),
        notified,
        method="POST",
        data=lambda aw: {"text": "We stopped the mailing."},
        writers=frozenset({"owner_a"}),
    ),
    # ---- staff area: abuse.manage for everything
    Endpoint("staff_abuse_queue", staff_page(*MANAGERS)),
    Endpoint("staff_abuse_new", staff_page(*MANAGERS)),
    Endpoint(
        "staff_abuse_new",
        staff_page(*MANAGERS, granted=302),
        method="POST",
        data=lambda aw: {"category": "resource_overuse", "text": "CPU at 100 % for days."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint("staff_abuse_case", staff_page(*MANAGERS), notified),
    Endpoint("staff_abuse_evidence_file", staff_page(*MANAGERS), notified_file),
    Endpoint(
        "staff_abuse_notify",
        staff_page(*MANAGERS, granted=302),
        fresh,
        method="POST",
        data=lambda aw: {"category": "spam", "note": ""},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_abuse_link",
        staff_page(*MANAGERS, granted=400),
        notified,
        method="POST",
        data=lambda aw: {"service": "svc_doesnotexist"},
    ),
    Endpoint(
        "staff_abuse_note",
        staff_page(*MANAGERS, granted=302),
        notified,
        method="POST",
        data=lambda aw: {"note": "Asked the reporter for headers."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_abuse_remedy_reject",
        staff_page(*MANAGERS, granted=302),
        claimed,
        method="POST",
        data=lambda aw: {"reject-note": "Still infected."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_abuse_lift",
        staff_page(*MANAGERS, granted=302),
        notified,
        method="POST",
        data=lambda aw: {"lift-note": "Fixed."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        "staff_abuse_dismiss",
        staff_page(*MANAGERS, granted=302),
        notified,
        method="POST",
        data=lambda aw: {"dismiss-note": "Forged report."},
        writers=frozenset(MANAGERS),
    ),
    Endpoint(
        # The case is not suspended: the action refuses and nothing changes.
        "staff_abuse_propose_termination",
        staff_page(*MANAGERS, granted=302),
        notified,
        method="POST",
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.method} {endpoint.name} as {actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


def test_every_abuse_page_is_in_the_table():
    """A new URL in the abuse URL modules fails here until this matrix names it."""
    from hostledger.web import urls_client_abuse, urls_public_abuse, urls_staff_abuse

    patterns = {
        pattern.name
        for pattern in urls_client_abuse.urlpatterns
        + urls_staff_abuse.urlpatterns
        + urls_public_abuse.urlpatterns
    }
    assert patterns == {endpoint.name for endpoint in ENDPOINTS}
    for endpoint in ENDPOINTS:
        assert set(endpoint.expect) == set(ACTORS), endpoint.name
    pairs = [(endpoint.name, endpoint.method) for endpoint in ENDPOINTS]
    assert len(pairs) == len(set(pairs)), "each page and endpoint appears once"


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_abuse_pages_authorization_matrix__ABU_01_ACC_06_ACC_11(
    endpoint: Endpoint, actor: str, abuse_world: AbuseWorld, client
):
    http = abuse_world.sign_in(client, actor)
    url = endpoint.url(abuse_world)
    before = state() if endpoint.method == "POST" else None

    if endpoint.method == "POST":
        response = http.post(url, endpoint.data(abuse_world))
    else:
        response = http.get(url)

    expected = endpoint.expect[actor]
    assert response.status_code == expected, response.content[:600]
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 302 and actor in STAFF_ROLES and not endpoint.name.startswith("staff_"):
        assert response["Location"] == reverse("web:staff_home")
    if endpoint.name.endswith("evidence_file") and expected == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content == PNG
    if endpoint.method == "POST":
        if actor in endpoint.writers:
            assert state() != before, "an allowed write changed nothing"
        else:
            assert state() == before, "a refused or read-only request changed data"
