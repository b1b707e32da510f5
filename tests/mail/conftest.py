import pytest
from aiosmtpd.controller import Controller

from forum_mgmt.mail import services as mail
from forum_mgmt.tickets import mail as ticket_mail
from tests.mail.smtp import Inbox, free_port


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on loopback; SMTP_URL points at it."""
    servers = []

    def start(refuse: bool = False, port: int | None = None) -> Inbox:
        inbox = Inbox(refuse)
        controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        servers.append(controller)
        monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
        return inbox

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def qr_in_mail(monkeypatch):
    """Mail embeds the ticket's QR, installed as the server and `forum-mgmt mail send` do;
    the registry of pictures goes back to what it was after the test."""
    monkeypatch.setattr(mail, "_inline_images", {})
    ticket_mail.install()
