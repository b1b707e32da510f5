"""static/ticketcode.js in Chromium: codes signed by Python, judged offline by WebCrypto."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forum_mgmt.tickets import codes, keys

pytestmark = pytest.mark.browser

KEY = Ed25519PrivateKey.generate()
PUBLIC = keys.public_key_b64(KEY.public_key())

VERIFY = """async ([key, code, forumId]) => {
    const { verifyCode } = await import("/static/ticketcode.js");
    return await verifyCode(key, code, forumId);
}"""


async def judge(page, code: str, forum_id: int = 7, key: str = PUBLIC) -> dict:
    return await page.evaluate(VERIFY, [key, code, forum_id])


def answer(ok, forum_id, ticket_id, serial, reason):
    return {
        "ok": ok,
        "forumId": forum_id,
        "ticketId": ticket_id,
        "serial": serial,
        "reason": reason,
    }


async def test_codes_signed_in_python_are_judged_in_the_browser(live_server, page):
    await page.goto(f"{live_server}/")  # any page of ours: same origin
    code = codes.sign(KEY, 7, 123456, 3)
    largest = codes.sign(KEY, codes.MAX_ID, codes.MAX_ID, codes.MAX_SERIAL)
    assert await judge(page, code) == answer(True, 7, 123456, 3, None)
    assert await judge(page, f"{code.lower()}\n") == answer(True, 7, 123456, 3, None)
    assert await judge(page, largest, codes.MAX_ID) == answer(
        True, codes.MAX_ID, codes.MAX_ID, codes.MAX_SERIAL, None
    )
    assert page.console_errors == []


async def test_forged_truncated_and_foreign_codes_are_refused_in_the_browser(live_server, page):
    await page.goto(f"{live_server}/")  # any page of ours: same origin
    code = codes.sign(KEY, 7, 123456, 3)
    forged = code[:60] + ("B" if code[60] == "A" else "A") + code[61:]
    other_key = keys.public_key_b64(Ed25519PrivateKey.generate().public_key())
    assert await judge(page, forged) == answer(False, 7, 123456, 3, "forged")
    assert await judge(page, code, key=other_key) == answer(False, 7, 123456, 3, "forged")
    assert await judge(page, code, forum_id=8) == answer(False, 7, 123456, 3, "wrong_forum")
    assert await judge(page, code[:-1]) == answer(False, None, None, None, "malformed")
    assert await judge(page, "A" * 120) == answer(False, None, None, None, "malformed")
    assert await judge(page, "https://example.org/") == answer(False, None, None, None, "malformed")
    assert page.console_errors == []
