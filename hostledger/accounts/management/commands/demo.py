"""``hostledger demo``: seed the demo data (idempotent): policies and processors, staff roles,
the demo catalog of every product family, a demo staff user with two-factor sign-in, a demo
client and, on the first run, the demo world of ``hostledger/flows/demo_world.py``; the local
payment gateway is switched on (once, so staff may switch it off again) so that a demo client
can top up and pay, and domains are sold through the local test registry.

Run by ``hostledger run`` on every start."""

from __future__ import annotations

import secrets
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from hostledger.accounts import actions
from hostledger.accounts.models import User
from hostledger.catalog.demo import seed_demo_catalog
from hostledger.core.keyfiles import read_or_create_secret
from hostledger.core.models import ProviderSettingChange
from hostledger.core.registry import provider_setting_change
from hostledger.domains.demo import demo_registrar_enable
from hostledger.flows.demo_world import DEMO_WORLD_DOMAIN, demo_world_seed
from hostledger.flows.registration import client_registered
from hostledger.ledger.conf import LOCAL_GATEWAY_ENABLED
from hostledger.privacy.demo import demo_policy_texts, seed_demo_processors
from hostledger.privacy.policies import current_policy, policy_publish

DEMO_STAFF_EMAIL = "admin@demo.hostledger.test"
DEMO_CLIENT_EMAIL = "client@demo.hostledger.test"


class Command(BaseCommand):
    help = "Seed the demo data; safe to run any number of times."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients-per-kind",
            type=int,
            default=None,
            help="Clients of each kind in the demo world, made on the first run only "
            "(default HOSTLEDGER_DEMO_WORLD_CLIENTS_PER_KIND, 24; 0 for none).",
        )

    def handle(self, *args, clients_per_kind: int | None, **options):
        if clients_per_kind is None:
            clients_per_kind = settings.DEMO_WORLD_CLIENTS_PER_KIND
        with transaction.atomic():
            actions.staff_roles_ensure_defaults()
            seed_demo_catalog()
            for kind, title, body in demo_policy_texts():
                if current_policy(kind) is None:
                    policy_publish(kind=kind, version="1.0", title=title, body=body)
            seed_demo_processors(signed_on=timezone.localdate())
            if not ProviderSettingChange.objects.filter(key=LOCAL_GATEWAY_ENABLED).exists():
                provider_setting_change(
                    key=LOCAL_GATEWAY_ENABLED,
                    raw_value=True,
                    reason="Demo installation: top-ups without real money.",
                )
            demo_registrar_enable()
        password = read_or_create_secret(
            settings.VAR_DIR, "demo_password", generate=lambda: secrets.token_urlsafe(12)
        )
        secret_is_new = not (Path(settings.VAR_DIR) / TOTP_SECRET_FILE).exists()
        totp_secret = read_or_create_secret(
            settings.VAR_DIR, TOTP_SECRET_FILE, generate=_new_totp_secret
        )
        with transaction.atomic():
            if not User.objects.filter(email=DEMO_STAFF_EMAIL).exists():
                staff = actions.staff_user_create(
                    actor=None,
                    email=DEMO_STAFF_EMAIL,
                    full_name="Demo Administrator",
                    role_slugs=["administrator"],
                    password=password,
                )
                TOTP.activate(staff, totp_secret)
                RecoveryCodes.activate(staff)
            if not User.objects.filter(email=DEMO_CLIENT_EMAIL).exists():
                user = User.objects.create_user(email=DEMO_CLIENT_EMAIL, password=password)
                EmailAddress.objects.create(
                    user=user, email=DEMO_CLIENT_EMAIL, verified=True, primary=True
                )
                client_registered(
                    user=user,
                    data={
                        "kind": "natural",
                        "first_name": "Mari",
                        "last_name": "Maasikas",
                        "street": "Ahtri 12",
                        "city": "Tallinn",
                        "postal_code": "10151",
                        "country": "EE",
                        "phone": "+372 5555 0101",
                    },
                    declared_old_enough=True,
                    accepted_policies=True,
                    ip_address=None,
                )
        if clients_per_kind > 0:
            made = demo_world_seed(
                operator=User.objects.get(email=DEMO_STAFF_EMAIL),
                clients_per_kind=clients_per_kind,
            )
            if made:
                self.stdout.write(f"Demo world: {made} clients under @{DEMO_WORLD_DOMAIN}.")
        # The two-factor secret is shown once, when it is made, and only on a terminal: the
        # output of ``hostledger run`` often goes to a log, where a secret must not end up.
        if secret_is_new and self.stdout.isatty():
            second_factor = f"two-factor secret {totp_secret} (shown once)"
        else:
            second_factor = f"two-factor secret in var/{TOTP_SECRET_FILE}"
        self.stdout.write(
            "Demo sign-in (password in var/demo_password):\n"
            f"  staff  {DEMO_STAFF_EMAIL}  {second_factor}\n"
            f"  client {DEMO_CLIENT_EMAIL}"
        )


TOTP_SECRET_FILE = "demo_staff_totp_secret"


def _new_totp_secret() -> str:
    return generate_totp_secret()
