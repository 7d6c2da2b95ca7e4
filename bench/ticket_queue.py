"""Benchmark of the staff ticket queue and the ticket search (SUP-01) on PostgreSQL.

    .venv/bin/python bench/ticket_queue.py --tickets 100000

Builds a throwaway PostgreSQL database ``hl_bench_tickets_<pid>`` on 127.0.0.1:5432 (dropped
at the end unless ``--keep``), migrates it and writes with ``COPY``: the clients of
``bench/staff_lists.py`` (one per five tickets, with their payers, invoices and payments),
``--tickets`` tickets spread over the default departments and the last three years (85 %
closed, the rest open, answered, waiting for the client or on hold; a third assigned to one
of three staff members; a few from unknown senders in the review queue), each subject
encrypted under its client's own data key as the application does, and the search tokens of
each subject and of a first message of twenty words (the messages themselves are not written:
neither the queue nor the search reads them). Then VACUUM ANALYZE, as autovacuum would.

Each measurement is a request to the real page through Django's test client, signed in as a
staff member with the ``tickets.answer`` permission: the queue (``GET /staff/tickets/`` with
and without filters: its tickets, timers, counts per department and the review count, rendered)
and the search (``POST /staff/tickets/search/`` by a ticket number, a common word, two words, a
rare word and a sender's address). Each is requested ``--repeat`` times after one warm-up
request; the 95th percentile of the wall-clock milliseconds is reported, with the median and
the statements' own time, and the plans (EXPLAIN ANALYZE) of the last request's statements go
to ``--plans FILE``.

``--keep`` keeps the database (and its var dir, named on the first line); ``--measure-only
VAR_DIR --database NAME --tickets N`` measures such a database again without building it.

The last line is ``tickets=N p95_ms=X``, X the slowest measurement's 95th percentile, after
a line of ``name=p95/median/sql`` figures in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import staff_lists
from bench import world as bench_world

TICKETS_PER_CLIENT = 5
WORDS = (
    "server",
    "not",
    "responding",
    "after",
    "reboot",
    "cannot",
    "reach",
    "website",
    "down",
    "mail",
    "bounce",
    "invoice",
    "payment",
    "refund",
    "domain",
    "transfer",
    "renewal",
    "certificate",
    "expired",
    "backup",
    "restore",
    "disk",
    "full",
    "memory",
    "upgrade",
    "network",
    "latency",
    "packet",
    "loss",
    "firewall",
    "port",
    "blocked",
    "password",
    "reset",
    "login",
    "twofactor",
    "console",
    "kernel",
    "panic",
    "raid",
    "degraded",
    "replacement",
    "power",
    "supply",
    "colocation",
    "rack",
    "visit",
    "access",
    "card",
    "dns",
    "record",
    "propagation",
    "nameserver",
    "mailbox",
    "quota",
    "spam",
    "blacklist",
    "migration",
    "database",
    "slow",
    "query",
    "php",
    "version",
    "upgrade",
    "wordpress",
    "plugin",
    "error",
    "timeout",
    "gateway",
    "ssl",
    "handshake",
    "ipv6",
    "address",
    "reverse",
    "pointer",
    "abuse",
    "complaint",
    "billing",
    "question",
    "discount",
    "contract",
    "termination",
    "cancel",
    "order",
    "trial",
    "continuation",
    "license",
    "windows",
    "activation",
    "bandwidth",
    "overage",
    "traffic",
    "graph",
)
RARE_WORD = "quarterly"
STATUS_MIX = (
    ("closed", 0.85),
    ("open", 0.06),
    ("answered", 0.04),
    ("waiting_for_client", 0.03),
    ("on_hold", 0.02),
)


def _status(rng: random.Random) -> str:
    draw, total = rng.random(), 0.0
    for status, share in STATUS_MIX:
        total += share
        if draw < total:
            return status
    return "closed"


def build(tickets: int, seed: int = 23) -> dict[str, int]:
    """Clients through bench/staff_lists.py, then tickets and their search tokens with COPY."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection

    from hostledger.accounts import actions as accounts_actions
    from hostledger.core.crypto import blind_index
    from hostledger.core.ids import new_public_id
    from hostledger.core.subject_keys import client_subject, encrypt_for_subject
    from hostledger.support.models import Department, Ticket, TicketSearchToken
    from hostledger.support.search import address_token, text_tokens

    clients = max(1, tickets // TICKETS_PER_CLIENT)
    counts = staff_lists.build(clients)
    accounts_actions.staff_roles_ensure_defaults()
    staff = [
        accounts_actions.staff_user_create(
            actor=None,
            email=f"agent{number}@staff.example",
            full_name=f"Agent {number}",
            role_slugs=["support"],
        )
        for number in range(1, 4)
    ]
    for member in staff:  # staff pages open only with two-factor sign-in (ACC-09)
        TOTP.activate(member, generate_totp_secret())
    departments = list(Department.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    prefix_tokens: dict[str, set[str]] = {}

    def tokens_of(words: list[str]) -> set[str]:
        found: set[str] = set()
        for word in words:
            if word not in prefix_tokens:
                prefix_tokens[word] = text_tokens(word)
            found |= prefix_tokens[word]
        return found

    rows, token_rows = [], []
    for number in range(1, tickets + 1):
        created = start + timedelta(seconds=span * number / tickets)
        status = _status(rng)
        # Recent tickets are the ones still open: the queue shows the last weeks.
        if status != "closed" and created < now - timedelta(days=60):
            created = now - timedelta(seconds=rng.uniform(0, 60 * 86400))
        subject_words = rng.sample(WORDS, rng.randint(3, 7))
        if number % 997 == 0:
            subject_words.append(RARE_WORD)
        body_words = [rng.choice(WORDS) for _ in range(20)]
        review = number % 500 == 0
        client_id = None if review else rng.randint(1, clients)
        subject_text = " ".join(subject_words).capitalize()
        subject = encrypt_for_subject(
            subject_text, client_subject(client_id) if client_id else None
        )
        answered = status in {"answered", "waiting_for_client", "closed"}
        first_response = created + timedelta(hours=rng.uniform(0.2, 30)) if answered else None
        resolved = (
            first_response + timedelta(hours=rng.uniform(1, 72)) if status == "closed" else None
        )
        sender = f"sender{number}@example.net" if review else ""
        rows.append(
            (
                number,
                new_public_id("tkt"),
                client_id,
                rng.choice(departments),
                subject,
                status,
                rng.choice(("low", "normal", "normal", "normal", "high", "urgent")),
                "mail" if review else rng.choice(("web", "web", "api", "mail")),
                rng.choice(staff).pk if rng.random() < 0.33 else None,
                review,
                encrypt_for_subject(sender, None) if sender else "",
                blind_index(sender, purpose="support-sender") if sender else "",
                created,
                resolved or first_response or created,
                first_response,
                resolved,
            )
        )
        tokens = tokens_of(subject_words + body_words)
        if sender:
            tokens.add(address_token(sender))
        token_rows.extend((number, token, created) for token in tokens)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        counts["tickets"] = staff_lists._copy(
            cursor,
            Ticket._meta.db_table,
            [
                "id",
                "public_id",
                "client_id",
                "department_id",
                "subject",
                "status",
                "priority",
                "source",
                "assignee_id",
                "needs_review",
                "sender_address",
                "sender_address_index",
                "created_at",
                "updated_at",
                "first_response_at",
                "resolved_at",
            ],
            rows,
        )
        counts["ticket_search_tokens"] = staff_lists._copy(
            cursor,
            TicketSearchToken._meta.db_table,
            ["ticket_id", "token", "created_at"],
            token_rows,
        )
    bench_world.Writer().reset_sequences([Ticket, TicketSearchToken])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts["staff_user"] = staff[0].pk
    return counts


def measurements(tickets: int) -> dict[str, tuple[str, str, dict]]:
    """Each page request measured: (method, path, data)."""
    from django.urls import reverse

    queue = reverse("web:staff_tickets")
    search = reverse("web:staff_ticket_search")
    middle = tickets // 2
    return {
        "queue": ("GET", queue, {}),
        "queue_department": ("GET", queue, {"department": "billing"}),
        "queue_open": ("GET", queue, {"status": "open"}),
        "queue_unassigned": ("GET", queue, {"assignee": "none"}),
        "queue_mine": ("GET", queue, {"assignee": "me"}),
        "queue_review": ("GET", queue, {"review": "on"}),
        "search_number": ("POST", search, {"q": f"T-{middle:06d}"}),
        "search_word": ("POST", search, {"q": "server"}),
        "search_two_words": ("POST", search, {"q": "disk full"}),
        "search_rare_word": ("POST", search, {"q": RARE_WORD}),
        "search_address": ("POST", search, {"q": f"sender{(middle // 500) * 500}@example.net"}),
    }


def _explained(connection, queries) -> tuple[float, list[str]]:
    return staff_lists._explained(connection, queries)


def measure(tickets: int, staff_user_id: int, repeat: int, plans: Path | None) -> dict:
    """Per measurement: the 95th percentile and the median of the request's wall-clock
    milliseconds, and the median of its statements' time as the driver saw it."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from hostledger.accounts.models import User

    http = HttpClient(HTTP_HOST="127.0.0.1")
    http.force_login(User.objects.get(pk=staff_user_id))
    results, plan_text = {}, []
    for name, (method, path, data) in measurements(tickets).items():
        send = http.get if method == "GET" else http.post
        response = send(path, data)
        assert response.status_code == 200, (name, response.status_code)
        timings, sql_timings = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = send(path, data)
                timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            sql_timings.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results[name] = (p95, statistics.median(timings), statistics.median(sql_timings))
        executed, plan = _explained(connection, queries.captured_queries)
        plan_text.append(
            f"== {name}: p95 {p95:.1f} ms, median {results[name][1]:.1f} ms, "
            f"{results[name][2]:.1f} ms in SQL, {executed:.2f} ms executing "
            f"({len(queries.captured_queries)} statements)"
        )
        plan_text.extend(plan)
    if plans is not None:
        plans.write_text("\n".join(plan_text) + "\n")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--plans", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database", default=f"hl_bench_tickets_{os.getpid()}")
    parser.add_argument(
        "--measure-only",
        metavar="VAR_DIR",
        type=Path,
        help="measure a database kept by an earlier --keep run (--database) whose var dir, "
        "with its key store, was VAR_DIR; build nothing and drop nothing",
    )
    args = parser.parse_args()

    if args.measure_only:
        url, var_dir = bench_world.postgres_url(args.database), args.measure_only
        args.keep = True
    else:
        url = bench_world.postgres_create(args.database)
        var_dir = Path(tempfile.mkdtemp(prefix="hl_bench_tickets_"))
        print(f"database {args.database}, var dir {var_dir}", flush=True)
    try:
        bench_world.configure(url, var_dir)
        if args.measure_only:
            from django.contrib.auth import get_user_model

            staff_user = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
            counts = {"tickets": args.tickets, "staff_user": staff_user.pk}
        else:
            bench_world.migrate()
            began = time.perf_counter()
            counts = build(args.tickets)
            print(f"built {counts} in {time.perf_counter() - began:.1f} s", flush=True)
        results = measure(args.tickets, counts["staff_user"], args.repeat, args.plans)
        print(
            " ".join(
                f"{name}={p95:.1f}/{median:.1f}/{sql:.1f}"
                for name, (p95, median, sql) in results.items()
            )
        )
        slowest = max(p95 for p95, _, _ in results.values())
        print(f"tickets={counts['tickets']} p95_ms={slowest:.1f}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            bench_world.postgres_drop(args.database)


if __name__ == "__main__":
    main()
