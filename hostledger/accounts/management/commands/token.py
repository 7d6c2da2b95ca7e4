"""``hostledger token create|list|revoke``: personal API tokens from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hostledger.accounts import actions
from hostledger.accounts.models import ApiToken, User
from hostledger.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Issue a token; the secret is shown once")
        create.add_argument("email")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scope",
            action="append",
            choices=actions.TOKEN_SCOPES,
            help="read or write; repeat for both (default: read)",
        )
        create.add_argument("--days", type=int, help="Lifetime in days")
        listing = sub.add_parser("list", help="List a user's tokens")
        listing.add_argument("email")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id")
        revoke.add_argument("token_id")

    def handle(self, *args, **options):
        verb = options["verb"]
        if verb == "revoke":
            token = ApiToken.objects.filter(public_id=options["token_id"]).first()
            if token is None:
                raise CommandError(f"token_id: no token {options['token_id']}.")
            actions.api_token_revoke(token=token, actor=token.user)
            self.stdout.write(f"Token {token.public_id} revoked.")
            return
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"email: no user {options['email']}.")
        if verb == "list":
            for token in user.api_tokens.all():
                state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
                self.stdout.write(
                    f"{token.public_id}  {token.prefix}…  {token.name}  "
                    f"{','.join(token.scopes)}  {state}"
                )
            return
        try:
            token, secret = actions.api_token_create(
                user=user,
                name=options["name"],
                scopes=options["scope"] or ["read"],
                days=options["days"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Token {token.public_id} created; it is shown only now:\n{secret}")
