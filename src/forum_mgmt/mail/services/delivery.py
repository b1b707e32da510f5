"""Delivery: over SMTP (SMTP_URL), or into the development outbox folder."""

from __future__ import annotations

import os
import smtplib
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from forum_mgmt.core.settings import get_settings


def outbox_folder() -> Path | None:
    """Where development mail goes (no SMTP_URL); None when mail goes over SMTP."""
    return None if os.environ.get("SMTP_URL") else get_settings().data_dir / "outbox"


def deliver(message: Message) -> None:
    """Over SMTP when SMTP_URL is set; else into the development outbox folder."""
    url = os.environ.get("SMTP_URL", "")
    if not url:
        folder = get_settings().data_dir / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(bytes(message))
        return
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host, port = parts.hostname or "127.0.0.1", parts.port
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=15)
    else:
        client = smtplib.SMTP(host, port or 25, timeout=15)
    with client:
        if options.get("starttls", ["0"])[0] in ("1", "true", "yes"):
            client.starttls()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
