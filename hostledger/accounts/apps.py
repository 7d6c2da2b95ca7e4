from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hostledger.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        # allauth reports a wrong second-factor code only through this signal; it goes into
        # the sign-in log and counts towards the lockout like a wrong password (ACC-08).
        from allauth.mfa.signals import authentication_failed

        from hostledger.accounts.actions.search import client_search_index_rebuild
        from hostledger.accounts.adapters import record_second_factor_failure
        from hostledger.core.crypto import register_reindexer

        # The staff search tokens are keyed hashes like the blind indexes: rebuilt by
        # ``hostledger rotate-keys --reindex`` when the key changes.
        register_reindexer("accounts.ClientSearchToken", client_search_index_rebuild)

        authentication_failed.connect(
            record_second_factor_failure, dispatch_uid="hostledger.second_factor_failure"
        )
