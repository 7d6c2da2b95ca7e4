from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "hostledger.support"
    label = "support"
    verbose_name = "Support tickets"

    def ready(self) -> None:
        # The ticket reply mail reads its text and threading headers from the ticket when the
        # outbox renders it (the text stays encrypted in the ticket, never in clear in the
        # notification's context); see hostledger.support.mail_out.
        from hostledger.support import mail_out

        mail_out.register()
