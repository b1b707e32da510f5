"""Forum key pairs: made once per forum, sealed at rest, gone with the forum."""

import asyncio
import base64
import dataclasses

import pytest

from forum_mgmt.core import settings
from forum_mgmt.forums.tables import Forum
from forum_mgmt.tickets import codes, keys
from forum_mgmt.tickets.tables import ForumKey
from tests.factories import make_forum


async def test_first_use_makes_a_key_pair_and_later_uses_read_it_back():
    forum = await make_forum()
    first = await keys.forum_key(forum)
    again = await keys.forum_key(forum)
    assert first.public_b64 == again.public_b64
    assert len(base64.urlsafe_b64decode(first.public_b64 + "=")) == 32
    code = codes.sign(first.private, forum.id, 1, 0)
    assert codes.verify(again.public, code, forum_id=forum.id) == codes.Claims(forum.id, 1, 0)
    rows = await ForumKey.select(ForumKey.forum, ForumKey.public_key)
    assert rows == [{"forum": forum.id, "public_key": first.public_b64}]


async def test_each_forum_has_its_own_key():
    one, two = await make_forum("one"), await make_forum("two")
    assert (await keys.forum_key(one)).public_b64 != (await keys.forum_key(two)).public_b64


async def test_concurrent_first_uses_agree_on_one_key_pair():
    forum = await make_forum()
    results = await asyncio.gather(*(keys.forum_key(forum) for _ in range(10)))
    assert len({k.public_b64 for k in results}) == 1
    assert await ForumKey.count() == 1


async def test_private_key_is_stored_sealed():
    forum = await make_forum()
    pair = await keys.forum_key(forum)
    raw = pair.private.private_bytes_raw()
    stored = (await ForumKey.select(ForumKey.private_key).first())["private_key"]
    sealed = keys.from_b64url(stored)
    assert len(sealed) == 12 + 32 + 16  # nonce, key, GCM tag
    assert raw not in sealed
    assert keys.unseal(stored, forum.id).private_bytes_raw() == raw


async def test_sealed_key_opens_only_for_its_forum_and_secret(monkeypatch):
    forum = await make_forum()
    await keys.forum_key(forum)
    stored = (await ForumKey.select(ForumKey.private_key).first())["private_key"]
    with pytest.raises(RuntimeError, match="cannot be opened"):
        keys.unseal(stored, forum.id + 1)
    changed = dataclasses.replace(settings.get_settings(), secret_key="another secret")
    monkeypatch.setattr(keys, "get_settings", lambda: changed)
    monkeypatch.setattr(keys, "_opened", {})  # a process started with the other secret
    with pytest.raises(RuntimeError, match="was SECRET_KEY changed"):
        await keys.forum_key(forum)


async def test_key_goes_with_its_forum():
    forum = await make_forum()
    await keys.forum_key(forum)
    await Forum.delete().where(Forum.id == forum.id)
    assert await ForumKey.count() == 0
