"""``hostledger createstaff EMAIL --name NAME --role administrator``: add a staff member."""

from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hostledger.accounts import actions
from hostledger.accounts.permissions import DEFAULT_ROLES
from hostledger.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a staff user with roles. Two-factor sign-in is set up at first sign-in."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            choices=sorted(DEFAULT_ROLES),
            help="Role slug; repeat for several roles",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of a prompt",
        )

    def handle(self, *args, **options):
        if options["password_stdin"]:
            stream = options.get("stdin") or sys.stdin
            password = stream.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        from hostledger.accounts.models import User

        try:
            # Checked against the person's own email and name as well (similarity).
            validate_password(password, User(email=options["email"], full_name=options["name"]))
        except ValidationError as error:
            raise CommandError("password: " + " ".join(error.messages)) from None
        try:
            with transaction.atomic():
                actions.staff_roles_ensure_defaults()
                user = actions.staff_user_create(
                    actor=None,
                    email=options["email"],
                    full_name=options["name"],
                    role_slugs=options["role"],
                    password=password,
                )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Staff user {user.email} created with roles: {', '.join(options['role']) or 'none'}."
        )
