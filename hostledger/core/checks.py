"""System checks of HostLedger's own (``hostledger check --deploy``)."""

from __future__ import annotations

from django.core.checks import Warning, register

from hostledger.core.mail_files import file_mail_backend_warning


@register(deploy=True)
def file_mail_backend_in_production(app_configs, **kwargs):
    """The development file mail backend keeps whole messages on disk (GDPR-11)."""
    message = file_mail_backend_warning()
    if message is None:
        return []
    return [Warning(message, id="hostledger.W001")]
