"""Ticket codes: a compact Ed25519-signed token that is exactly the QR payload.

A code is RFC 4648 base32 (no padding) of 75 bytes, always 120 characters:

    version  u8   (1)
    forum    u32  big-endian forum id
    ticket   u32  big-endian registration id (a ticket is a registration's; `serial` tells
                  its revisions apart)
    serial   u16  big-endian; bumped when a ticket is reissued, so an old code is revoked
    sig      64   Ed25519 signature of the 11 bytes above

Base32 rather than the issue's base64url: its alphabet (A-Z, 2-7) lies inside the QR
alphanumeric mode, so a code fits QR version 5 at level M (37×37 modules, 122 characters
at most), where the same bytes as 100 base64url characters need byte mode and version 6
(41×41, 106 bytes at most). Smaller symbols scan from further away, and version 6 still
leaves room for 96 bytes. Base32 is also case-blind, as keyboard wedges can be.
No personal data is in a code. static/ticketcode.js mirrors this module for scanners.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _

VERSION = 1
_HEADER = struct.Struct(">BIIH")
_SIGNATURE_BYTES = 64
CODE_LENGTH = (_HEADER.size + _SIGNATURE_BYTES) * 8 // 5  # 120: 75 bytes, no padding
MAX_ID = 2**32 - 1
MAX_SERIAL = 2**16 - 1
_BASE32 = re.compile(r"[A-Z2-7]+")


class InvalidCode(DomainError):
    """A code that does not admit anyone; `code` says why, `result` what a scanner shows."""

    result = "unknown"


class MalformedCode(InvalidCode):
    code = "malformed"


class ForgedCode(InvalidCode):
    code = "forged"


class WrongForum(InvalidCode):
    code = "wrong_forum"
    result = "wrong_forum"


@dataclass(frozen=True)
class Claims:
    forum_id: int
    registration_id: int
    serial: int
    version: int = VERSION


def normalise(code: str) -> str:
    """What a scanner typed, as we emit it: keyboard wedges add a newline or send lowercase."""
    return code.strip().upper()


def sign(private_key: Ed25519PrivateKey, forum_id: int, registration_id: int, serial: int) -> str:
    """The ticket code for this ticket revision, signed with the forum's private key."""
    if not (0 < forum_id <= MAX_ID and 0 < registration_id <= MAX_ID and 0 <= serial <= MAX_SERIAL):
        raise ValueError(
            f"out of range: forum {forum_id}, registration {registration_id}, serial {serial}"
        )
    header = _HEADER.pack(VERSION, forum_id, registration_id, serial)
    return base64.b32encode(header + private_key.sign(header)).decode("ascii")


def read_claims(code: str) -> tuple[Claims, bytes, bytes]:
    """The unverified claims, signed bytes and signature of a well-formed code."""
    text = normalise(code)
    if len(text) != CODE_LENGTH or not _BASE32.fullmatch(text):
        raise MalformedCode(_("This is not a ticket code."))
    try:
        raw = base64.b32decode(text)
    except binascii.Error:
        raise MalformedCode(_("This is not a ticket code.")) from None
    header, signature = raw[: _HEADER.size], raw[_HEADER.size :]
    version, forum_id, registration_id, serial = _HEADER.unpack(header)
    if version != VERSION:
        raise MalformedCode(_("This is not a ticket code."))
    return Claims(forum_id, registration_id, serial, version), header, signature


def verify(public_key: Ed25519PublicKey, code: str, *, forum_id: int) -> Claims:
    """The claims of a code this forum's key signed; else MalformedCode, WrongForum, ForgedCode.

    The forum is compared before the signature (another forum's code never verifies with
    this key), so `WrongForum` is the code's unproven claim: it refuses, it does not admit.
    """
    claims, header, signature = read_claims(code)
    if claims.forum_id != forum_id:
        raise WrongForum(_("This ticket is for another forum."))
    try:
        public_key.verify(signature, header)
    except InvalidSignature:
        raise ForgedCode(_("This ticket code is not genuine.")) from None
    return claims
