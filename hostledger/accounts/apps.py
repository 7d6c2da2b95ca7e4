from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hostledger.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        # allauth reports a wrong second-factor code only through this signal; it goes into
        # the sign-in log and counts towards the lockout like a wrong password (ACC-08).
        from allauth.mfa.signals import authentication_failed

        from hostledger.accounts.adapters import record_second_factor_failure

        authentication_failed.connect(
            record_second_factor_failure, dispatch_uid="hostledger.second_factor_failure"
        )
