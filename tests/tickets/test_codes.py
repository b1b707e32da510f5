"""Ticket codes: signed, compact, and refused for distinct reasons."""

import base64
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forum_mgmt.tickets import codes
from forum_mgmt.tickets.codes import Claims, ForgedCode, InvalidCode, MalformedCode, WrongForum

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()


def test_signed_code_verifies_to_its_claims():
    code = codes.sign(KEY, 7, 1234, 2)
    assert codes.verify(KEY.public_key(), code, forum_id=7) == Claims(7, 1234, 2)


def test_code_is_120_uppercase_base32_characters_in_the_qr_alphanumeric_set():
    code = codes.sign(KEY, 7, 1234, 0)
    assert len(code) == codes.CODE_LENGTH == 120
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_code_carries_nothing_but_ids_and_the_signature():
    claims, header, signature = codes.read_claims(codes.sign(KEY, 7, 1234, 3))
    assert (claims, header.hex(), len(signature)) == (
        Claims(7, 1234, 3),
        "01" + "00000007" + "000004d2" + "0003",
        64,
    )


@pytest.mark.parametrize(
    ("position", "refusal"),
    [
        (0, MalformedCode),  # the version
        (5, WrongForum),  # the forum id: an unproven claim, refused before the signature
        (11, ForgedCode),  # the ticket id
        (17, ForgedCode),  # the serial and the signature's first bits
        (60, ForgedCode),
        (119, ForgedCode),
    ],
)
def test_one_changed_character_is_refused(position, refusal):
    code = codes.sign(KEY, 7, 1234, 0)
    changed = code[:position] + ("B" if code[position] == "A" else "A") + code[position + 1 :]
    with pytest.raises(InvalidCode) as refused:
        codes.verify(KEY.public_key(), changed, forum_id=7)
    assert refused.type is refusal


def test_changed_ticket_id_with_the_same_signature_is_forged():
    _claims, header, signature = codes.read_claims(codes.sign(KEY, 7, 1234, 0))
    bumped = header[:-3] + bytes([header[-3] ^ 1]) + header[-2:]
    with pytest.raises(ForgedCode) as refused:
        codes.verify(KEY.public_key(), base64.b32encode(bumped + signature).decode(), forum_id=7)
    assert (refused.value.code, refused.value.result) == ("forged", "unknown")


def test_truncated_code_is_malformed():
    code = codes.sign(KEY, 7, 1234, 0)
    for cut in (code[:-1], code[:-8], code[:60], ""):
        with pytest.raises(MalformedCode) as refused:
            codes.verify(KEY.public_key(), cut, forum_id=7)
        assert (refused.value.code, refused.value.result) == ("malformed", "unknown")


def test_code_of_another_forum_is_wrong_forum():
    code = codes.sign(OTHER_KEY, 8, 1234, 0)
    with pytest.raises(WrongForum) as refused:
        codes.verify(KEY.public_key(), code, forum_id=7)
    assert (refused.value.code, refused.value.result) == ("wrong_forum", "wrong_forum")


def test_code_signed_by_another_key_for_this_forum_is_forged():
    with pytest.raises(ForgedCode):
        codes.verify(KEY.public_key(), codes.sign(OTHER_KEY, 7, 1234, 0), forum_id=7)


@pytest.mark.parametrize(
    "garbage",
    [
        "hello",
        "https://example.org/tickets/abc",
        "A" * 120,  # well-formed base32, but version 0
        "1" * 120,  # outside base32
        "林" * 120,
        "A" * 119 + "=",
        "\x00" * 120,
    ],
)
def test_garbage_is_malformed(garbage):
    with pytest.raises(MalformedCode):
        codes.verify(KEY.public_key(), garbage, forum_id=7)


def test_lowercase_and_surrounding_whitespace_from_a_keyboard_wedge_are_accepted():
    """Base32 is case-blind and the signature covers bytes, so folding case admits no forgery."""
    code = codes.sign(KEY, 7, 1234, 1)
    for typed in (code.lower(), f"{code}\n", f" {code}\r\n"):
        assert codes.verify(KEY.public_key(), typed, forum_id=7) == Claims(7, 1234, 1)


def test_ids_out_of_range_cannot_be_signed():
    for forum_id, ticket_id, serial in [(0, 1, 0), (1, 2**32, 0), (1, 1, 2**16), (1, 1, -1)]:
        with pytest.raises(ValueError, match="out of range"):
            codes.sign(KEY, forum_id, ticket_id, serial)


def test_many_random_ids_round_trip_and_fail_with_another_key():
    rng = random.Random(6)
    for _ in range(300):
        forum_id = rng.randint(1, codes.MAX_ID)
        ticket_id = rng.randint(1, codes.MAX_ID)
        serial = rng.randint(0, codes.MAX_SERIAL)
        code = codes.sign(KEY, forum_id, ticket_id, serial)
        assert len(code) == 120
        assert codes.verify(KEY.public_key(), code, forum_id=forum_id) == Claims(
            forum_id, ticket_id, serial
        )
        with pytest.raises(ForgedCode):
            codes.verify(OTHER_KEY.public_key(), code, forum_id=forum_id)
