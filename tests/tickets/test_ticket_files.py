"""The attendee's ticket: QR as SVG and PNG, a printable PDF, and the QR on the ticket page."""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import codes, qr, services
from forum_mgmt.tickets.keys import forum_key
from tests.factories import make_forum, spelled
from tests.registration.helpers import person
from tests.tickets.test_badges import page_texts, qr_texts, rasterise


async def _confirmed(forum, n: int = 1, **fields):
    return (await registration.register(forum, person(n, **fields))).registration


async def test_qr_png_decodes_to_the_ticket_code_and_verifies_with_the_forum_key(client):
    forum = await make_forum("tf")
    reg = await _confirmed(forum)
    response = await client.get(f"/tickets/{reg.token}/qr.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "no-store"
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    issued = await services.issue(forum, reg)
    assert (decoded.text, decoded.format.name, decoded.ec_level) == (issued.code, "QRCode", "M")
    keys = await forum_key(forum)
    claims = codes.verify(keys.public, decoded.text, forum_id=forum.id)
    assert claims == codes.Claims(forum.id, reg.id, 1)


async def test_qr_svg_is_served_as_svg_and_is_the_codes_symbol(client):
    forum = await make_forum("tf")
    reg = await _confirmed(forum)
    response = await client.get(f"/tickets/{reg.token}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text == qr.svg((await services.issue(forum, reg)).code)


async def test_an_unchanged_qr_answers_304_to_its_etag(client):
    forum = await make_forum("tf")
    reg = await _confirmed(forum)
    first = await client.get(f"/tickets/{reg.token}/qr.png")
    again = await client.get(
        f"/tickets/{reg.token}/qr.png", headers={"if-none-match": first.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")
    await services.reissue(forum, reg)
    after = await client.get(
        f"/tickets/{reg.token}/qr.png", headers={"if-none-match": first.headers["etag"]}
    )
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize("path", ["qr.svg", "qr.png", "ticket.pdf"])
async def test_no_ticket_files_before_confirmation(client, path):
    forum = await make_forum("tf", approval=True)
    reg = await _confirmed(forum)
    assert reg.status == "pending"
    response = await client.get(f"/tickets/{reg.token}/{path}")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert "A ticket comes with a confirmed registration." in response.text
    api = await client.get(f"/tickets/{reg.token}/{path}", headers={"accept": "application/json"})
    assert api.json()["error"] == "not_confirmed"


async def test_a_wrong_token_is_404(client):
    await make_forum("tf")
    response = await client.get("/tickets/not-a-token/qr.png")
    assert response.status_code == 404


async def test_ticket_pdf_has_both_scripts_dates_venue_and_a_readable_qr(client):
    forum = await make_forum("tf", venue="Taipei Guest House", venue_local="台北賓館")
    reg = await _confirmed(forum, name="Lin Chia-lung", name_local="林佳龍", organization="MOFA")
    response = await client.get(f"/tickets/{reg.token}/ticket.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    # the name can change without a new code: never a cached copy with the old one
    assert (response.headers["cache-control"], "etag" in response.headers) == (
        "no-store",
        False,
    )
    (text,) = page_texts(response.content)
    assert text.split("\n") == [
        "Test Forum",
        "測試論壇",
        "林佳龍",
        "Lin Chia-lung",
        "MOFA",
        spelled(style="long") + " · Taipei Guest House",  # "5 December 2026 · …"
        "Attendee",
    ]
    code = (await services.issue(forum, reg)).code
    assert qr_texts(rasterise(response.content, 1)) == [code]


async def test_ticket_pdf_in_chinese(client):
    forum = await make_forum("tf", venue="Taipei", venue_local="台北賓館")
    reg = await _confirmed(forum, name="Lin", name_local="林佳龍")
    response = await client.get(f"/tickets/{reg.token}/ticket.pdf?lang=zh-TW")
    lines = page_texts(response.content)[0].split("\n")
    assert lines[-2:] == [spelled(style="long", lang="zh-TW") + " · 台北賓館", "與會者"]


async def test_ticket_page_shows_the_qr_and_links_for_confirmed_only(client):
    forum = await make_forum("tf", capacity=1, waitlist=True)
    seated = await _confirmed(forum, 1)
    waiting = await _confirmed(forum, 2)
    page = (await client.get(f"/tickets/{seated.token}")).text
    assert f'<img src="/tickets/{seated.token}/qr.svg"' in page
    assert f'href="/tickets/{seated.token}/ticket.pdf"' in page
    assert f'href="/tickets/{seated.token}/qr.png"' in page
    assert not re.search(r"<img[^>]*style=", page)
    other = (await client.get(f"/tickets/{waiting.token}")).text
    assert waiting.status == "waitlisted"
    assert "qr.svg" not in other and "ticket.pdf" not in other


async def test_the_ticket_pages_other_addresses_still_answer(client):
    """TicketFiles shares the /tickets/{token} prefix with registration's TicketPages."""
    forum = await make_forum("tf")
    reg = await _confirmed(forum)
    assert (await client.get(f"/tickets/{reg.token}")).status_code == 200
    assert (await client.get(f"/tickets/{reg.token}/cancel")).status_code == 200
    calendar = await client.get(f"/tickets/{reg.token}/agenda.ics")
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert (await client.get(f"/tickets/{reg.token}/qr.svg")).status_code == 200


async def test_ticket_page_in_chinese_names_the_qr_and_the_pdf(client):
    forum = await make_forum("tf")
    reg = await _confirmed(forum)
    page = (await client.get(f"/tickets/{reg.token}?lang=zh-TW")).text
    assert "入場時請出示此 QR 碼。" in page and "可列印的票券（PDF）" in page
