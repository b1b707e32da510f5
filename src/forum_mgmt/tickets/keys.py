"""Each forum's Ed25519 key pair, made on first use; the private half sealed at rest.

The private key is stored encrypted with AES-GCM under a key derived (HKDF-SHA256) from
SECRET_KEY, bound to its forum. Changing SECRET_KEY therefore makes existing forum keys
unreadable: every ticket code would have to be reissued.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from forum_mgmt.core.settings import get_settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.tickets.tables import ForumKey

_RAW = serialization.Encoding.Raw
_HKDF_INFO = b"forum_mgmt/tickets/forum-key/v1"
_NONCE_BYTES = 12


@dataclass(frozen=True)
class ForumKeys:
    forum_id: int
    private: Ed25519PrivateKey
    public: Ed25519PublicKey

    @property
    def public_b64(self) -> str:
        return public_key_b64(self.public)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_b64(public: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64url without padding (what scanners import)."""
    return b64url(public.public_bytes(_RAW, serialization.PublicFormat.Raw))


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(from_b64url(text))


def _sealing_key() -> AESGCM:
    secret = get_settings().secret_key.encode()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret)
    return AESGCM(derived)


def _associated(forum_id: int) -> bytes:
    # Binds the sealed key to its forum: a row copied to another forum will not open.
    return f"forum:{forum_id}".encode()


def seal(private: Ed25519PrivateKey, forum_id: int) -> str:
    raw = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    nonce = os.urandom(_NONCE_BYTES)
    return b64url(nonce + _sealing_key().encrypt(nonce, raw, _associated(forum_id)))


def unseal(sealed: str, forum_id: int) -> Ed25519PrivateKey:
    blob = from_b64url(sealed)
    nonce, ciphertext = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    try:
        raw = _sealing_key().decrypt(nonce, ciphertext, _associated(forum_id))
    except InvalidTag:
        raise RuntimeError(
            f"the signing key of forum {forum_id} cannot be opened: was SECRET_KEY changed?"
        ) from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def _keys(row: dict) -> ForumKeys:
    private = unseal(row["private_key"], row["forum"])
    return ForumKeys(forum_id=row["forum"], private=private, public=private.public_key())


async def _read(forum_id: int) -> dict | None:
    return (
        await ForumKey.select(ForumKey.forum, ForumKey.private_key)
        .where(ForumKey.forum == forum_id)
        .first()
    )


# A forum's pair never changes once made, so each process keeps it opened: every confirmed
# sign-up signs a code and every scan verifies one, with no query and no unsealing. Keyed
# with created_at too, since SQLite may give a deleted forum's id to a new one.
_opened: dict[tuple, ForumKeys] = {}


async def forum_key(forum: Forum) -> ForumKeys:
    """The forum's key pair; made on first use, the same pair for every concurrent caller."""
    known = (forum.id, forum.created_at)
    if (pair := _opened.get(known)) is None:
        if len(_opened) > 1_000:
            _opened.clear()
        pair = _opened[known] = await _load_or_make(forum)
    return pair


async def _load_or_make(forum: Forum) -> ForumKeys:
    row = await _read(forum.id)
    if row is None:
        private = Ed25519PrivateKey.generate()
        # The unique forum column settles a race: the loser's insert does nothing, and
        # both callers read back the one pair that was stored.
        await ForumKey.insert(
            ForumKey(
                forum=forum.id,
                public_key=public_key_b64(private.public_key()),
                private_key=seal(private, forum.id),
            )
        ).on_conflict(target=ForumKey.forum, action="DO NOTHING")
        row = await _read(forum.id)
        if row is None:  # the forum was deleted meanwhile (the key went with it)
            raise RuntimeError(f"forum {forum.id} has no signing key")
    return _keys(row)
