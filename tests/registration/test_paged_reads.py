"""The CSV export, the badges' selection and the group mail read every registration a page
at a time after the last id seen (not by OFFSET, which rereads the skipped rows on every
page): each one exactly once, in order, with the filters kept, and one query a page."""

from __future__ import annotations

import pytest

from forum_mgmt.audit.services import COMMAND_LINE
from forum_mgmt.registration import services
from forum_mgmt.registration.services import listing
from forum_mgmt.registration.tables import Registration
from forum_mgmt.tickets import printing
from tests.factories import make_forum
from tests.registration.helpers import person


@pytest.fixture
async def forum(monkeypatch):
    monkeypatch.setattr(listing, "MAX_LIMIT", 2)  # pages of 2: seven people are four pages
    monkeypatch.setattr(printing, "MAX_LIMIT", 2)
    forum = await make_forum()
    for n in range(1, 8):
        await services.register(forum, person(n), by_organizer=True)
    other = await make_forum("other-forum")
    await services.register(other, person(99), by_organizer=True)
    return forum


async def test_the_csv_holds_every_registration_once_in_order(forum):
    csv = (await services.export_csv(forum, services.Filters(), by=COMMAND_LINE)).decode()
    names = [line.split(",")[4] for line in csv.splitlines()[1:]]
    assert names == [f"Person {n}" for n in range(1, 8)]


async def test_the_csv_keeps_the_filters_across_pages(forum):
    await Registration.update({Registration.status: "cancelled"}).where(
        Registration.email.is_in(["person2@example.org", "person5@example.org"])
    )
    csv = (
        await services.export_csv(forum, services.Filters(status="confirmed"), by=COMMAND_LINE)
    ).decode()
    names = [line.split(",")[4] for line in csv.splitlines()[1:]]
    assert names == [f"Person {n}" for n in (1, 3, 4, 6, 7)]


async def test_the_csv_reads_one_page_a_query(forum, count_queries):
    await services.export_csv(forum, services.Filters(), by=COMMAND_LINE)
    pages = [q for q in count_queries.queries if 'FROM "registration"' in q and "LIMIT 2" in q]
    assert len(pages) == 5  # four pages of people, then the empty one that ends it
    assert not any("OFFSET" in q and "OFFSET 0" not in q for q in pages)


async def test_the_badges_select_every_confirmed_registration_once(forum):
    rows = await printing.confirmed(forum, services.Filters())
    assert [r.registration.name for r in rows] == [f"Person {n}" for n in range(1, 8)]


async def test_the_group_mail_reaches_everyone_once(forum):
    sent = await services.mail_group(
        forum, services.Filters(), subject="Hello", body="See you soon", by=COMMAND_LINE
    )
    assert sent == 7


async def test_the_csv_is_utf8_with_one_bom_and_crlf_rows(forum):
    await services.register(forum, person(8, name_local="陳美玲"), by_organizer=True)
    data = await services.export_csv(forum, services.Filters(), by=COMMAND_LINE)
    assert data.startswith(b"\xef\xbb\xbfID,")  # spreadsheets read it as UTF-8
    assert data.count(b"\xef\xbb\xbf") == 1
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == 9  # the header and eight people, as csv writes them
    assert ",陳美玲," in text
