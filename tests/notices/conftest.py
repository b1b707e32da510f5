from tests.mail.conftest import smtp  # noqa: F401 - the real SMTP server on loopback
