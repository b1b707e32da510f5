"""Badge PDFs from the workspace (/manage/forums/{slug}/badges.pdf) and the CLI."""

import io
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services as registration
from forum_mgmt.tickets import services
from tests.conftest import sign_in
from tests.factories import make_forum, make_user
from tests.registration.helpers import person
from tests.tickets.test_badges import page_texts, qr_texts, rasterise


async def _people(forum):
    """Two speakers (one without a Chinese name), a press person (approved), an attendee."""
    people = [
        person(1, name="Lin Chia-lung", name_local="林佳龍", category="speaker"),
        person(2, name="Marco Chiesara", category="speaker"),
        person(3, name="Wang Kuan-yu", name_local="王冠宇", category="press"),
        person(4, name="Chen Mei-ling", name_local="陳美玲"),
    ]
    regs = []
    for data in people:
        reg = (await registration.register(forum, data, by_organizer=True)).registration
        if reg.status == "pending":  # the press category needs approval
            reg = await registration.approve(forum, reg)
        regs.append(reg)
    assert [r.status for r in regs] == ["confirmed"] * 4
    return regs


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


async def _organizer(client, forum):
    await make_user("boss", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "boss")


async def test_badges_of_every_confirmed_registration_with_tickets_issued(client):
    forum = await make_forum("tf")
    people = await _people(forum)
    waiting = (await registration.register(forum, person(5))).registration
    await registration.cancel(forum, waiting, by="attendee")
    await _organizer(client, forum)
    response = await client.get("/manage/forums/tf/badges.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    texts = page_texts(response.content)
    assert [t.split("\n")[2:4] for t in texts] == [
        ["Lin Chia-lung", "林佳龍"],
        ["Marco Chiesara", "TFCF"],
        ["Wang Kuan-yu", "王冠宇"],
        ["Chen Mei-ling", "陳美玲"],
    ]
    assert [t.split("\n")[-1] for t in texts] == [
        "講者 Speaker",
        "講者 Speaker",
        "媒體 Press",
        "與會者 Attendee",
    ]
    assert [await services.current_serial(p.id) for p in people] == [1, 1, 1, 1]
    assert await services.current_serial(waiting.id) is None
    codes = [(await services.issue(forum, p)).code for p in people]
    assert qr_texts(rasterise(response.content, 1)) == [codes[0]]


async def test_filter_by_category_search_and_one_person(client):
    forum = await make_forum("tf")
    people = await _people(forum)
    await _organizer(client, forum)
    speakers = await client.get("/manage/forums/tf/badges.pdf?category=speaker&status=")
    assert _pages(speakers.content) == 2
    assert "林佳龍" in page_texts(speakers.content)[0]
    press = await client.get("/manage/forums/tf/badges.pdf?q=Wang")
    assert [t.split("\n")[2] for t in page_texts(press.content)] == ["Wang Kuan-yu"]
    one = await client.get(f"/manage/forums/tf/badges.pdf?id={people[3].id}")
    assert _pages(one.content) == 1 and "陳美玲" in page_texts(one.content)[0]
    a4 = await client.get("/manage/forums/tf/badges.pdf?layout=a4")
    assert _pages(a4.content) == 1
    assert page_texts(a4.content)[0].count("Speaker") == 2
    bad = await client.get("/manage/forums/tf/badges.pdf?layout=letter")
    assert bad.status_code == 400


async def test_one_person_not_confirmed_is_409_and_another_forums_is_404(client):
    forum = await make_forum("tf", approval=True)
    other = await make_forum("other")
    pending = (await registration.register(forum, person(1))).registration
    elsewhere = (await registration.register(other, person(2))).registration
    await _organizer(client, forum)
    assert (await client.get(f"/manage/forums/tf/badges.pdf?id={pending.id}")).status_code == 409
    assert (await client.get(f"/manage/forums/tf/badges.pdf?id={elsewhere.id}")).status_code == 404


async def test_badges_are_for_this_forums_organizers(client):
    forum = await make_forum("tf")
    await _people(forum)
    anonymous = await client.get("/manage/forums/tf/badges.pdf")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=%2Fmanage%2Fforums%2Ftf%2Fbadges.pdf"
    await make_user("door", role=Role.STAFF, forum=forum)
    await sign_in(client, "door")
    assert (await client.get("/manage/forums/tf/badges.pdf")).status_code == 403
    client.cookies.clear()
    other = await make_forum("other")
    await make_user("elsewhere", role=Role.ORGANIZER, forum=other)
    await sign_in(client, "elsewhere")
    assert (await client.get("/manage/forums/tf/badges.pdf")).status_code == 403


async def test_registrations_page_links_to_the_filtered_badges(client):
    forum = await make_forum("tf")
    await _organizer(client, forum)
    page = await client.get("/manage/forums/tf/registrations?category=press")
    assert 'href="/manage/forums/tf/badges.pdf?status=&amp;category=press' in page.text
    assert "Print badges" in page.text


@pytest.mark.parametrize("layout", ["a6", "a4"])
async def test_cli_writes_the_pdf_and_shows_progress(tmp_path, layout):
    forum = await make_forum("tf")
    await _people(forum)
    out = tmp_path / "badges.pdf"
    args = ["badges", "tf", "-o", str(out), "--layout", layout, "--category", "speaker"]
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "forum_mgmt.cli", *args],
        capture_output=True,
        env=os.environ.copy(),
        check=False,
        timeout=120,
    )
    stderr = done.stderr.decode()  # bytes: text mode would turn the bar's \r into \n
    assert done.returncode == 0, stderr
    assert done.stdout == b""
    assert "\rBadges [###############...............] 1/2" in stderr
    assert "\rBadges [##############################] 2/2\n" in stderr
    assert f"Wrote 2 badge(s) to {out}" in stderr
    pdf = out.read_bytes()
    assert _pages(pdf) == (2 if layout == "a6" else 1)
    assert "林佳龍" in page_texts(pdf)[0]


async def test_cli_for_an_unknown_forum_says_so(tmp_path):
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "forum_mgmt.cli", "badges", "nope", "-o", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Cannot make badges for “nope”" in done.stderr
    assert not (tmp_path / "x.pdf").exists()
