"""The attendee's own calendar: booked workshops and starred sessions, subscribable."""

import datetime as dt

import httpx
import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from forum_mgmt.agenda import services as agenda
from forum_mgmt.agenda.tables import AgendaSession, SessionKind
from forum_mgmt.core import time
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration import services as registration
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token
from tests.factories import make_forum, make_room, make_session
from tests.registration.helpers import person


async def _attendee(client):
    forum = await make_forum("tf")
    room = await make_room(forum, "Hall", capacity=100)
    keynote = await make_session(forum, "Keynote", start="09:00", end="10:00", room=room)
    panel = await make_session(forum, "Panel 座談", start="10:30", end="11:30", room=room)
    other = await make_session(forum, "Not mine", start="13:00", end="14:00", room=room)
    outcome = await registration.register(forum, person(1))
    token = outcome.registration.token
    page = await client.get(f"/tickets/{token}")
    assert page.status_code == 200
    return forum, token, {"keynote": keynote, "panel": panel, "other": other}


async def _feed(client, token) -> str:
    response = await client.get(f"/tickets/{token}/agenda.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    return response.text


async def test_starred_sessions_make_the_personal_feed(client):
    _forum, token, s = await _attendee(client)
    csrf = await csrf_token(client)
    for key in ("keynote", "panel"):
        starred = await client.post(
            f"/tickets/{token}/stars/{s[key].id}/star", data={"_csrf_token": csrf}
        )
        assert starred.status_code == 303
    text = await _feed(client, token)
    summaries = sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(text).events)
    assert summaries == ["Keynote", "Panel 座談"]
    second = IcsCalendarStream.calendar_from_ics(text)  # an independent parser agrees
    assert sorted(e.summary for e in second.events) == ["Keynote", "Panel 座談"]
    assert "TZID:Asia/Taipei" in text
    page = await client.get(f"/tickets/{token}")
    assert f'href="webcal://127.0.0.1:8000/tickets/{token}/agenda.ics"' in page.text
    await client.post(
        f"/tickets/{token}/stars/{s['keynote'].id}/unstar", data={"_csrf_token": csrf}
    )
    after = icalendar.Calendar.from_ical(await _feed(client, token))
    assert [str(e["SUMMARY"]) for e in after.events] == ["Panel 座談"]


async def test_a_removed_starred_session_stays_as_cancelled(client):
    forum, token, s = await _attendee(client)
    csrf = await csrf_token(client)
    await client.post(f"/tickets/{token}/stars/{s['panel'].id}/star", data={"_csrf_token": csrf})
    await agenda.remove_session(forum, s["panel"].id)
    cal = icalendar.Calendar.from_ical(await _feed(client, token))
    [event] = cal.events
    assert str(event["STATUS"]) == "CANCELLED"


async def test_the_session_page_offers_the_star_of_the_remembered_ticket(client):
    _forum, token, s = await _attendee(client)  # the ticket page set the cookie
    page = await client.get(f"/forums/tf/sessions/{s['panel'].id}")
    assert f'action="/tickets/{token}/stars/{s["panel"].id}/star"' in page.text
    csrf = await csrf_token(client)
    back = await client.post(
        f"/tickets/{token}/stars/{s['panel'].id}/star",
        data={"_csrf_token": csrf, "next": f"/forums/tf/sessions/{s['panel'].id}"},
    )
    assert back.headers["location"] == f"/forums/tf/sessions/{s['panel'].id}"
    again = await client.get(f"/forums/tf/sessions/{s['panel'].id}")
    assert f'action="/tickets/{token}/stars/{s["panel"].id}/unstar"' in again.text
    # another forum's page does not offer this ticket's stars
    other = await make_forum("other")
    elsewhere = await make_session(other, "Elsewhere")
    foreign = await client.get(f"/forums/other/sessions/{elsewhere.id}")
    assert f"/tickets/{token}/" not in foreign.text


async def test_a_wrong_token_or_session_is_404(client):
    _forum, token, _s = await _attendee(client)
    other = await make_forum("other")
    foreign = await make_session(other, "Elsewhere")
    csrf = await csrf_token(client)
    assert (await client.get("/tickets/not-a-token/agenda.ics")).status_code == 404
    response = await client.post(
        f"/tickets/{token}/stars/{foreign.id}/star", data={"_csrf_token": csrf}
    )
    assert response.status_code == 404


async def test_the_personal_feed_is_cached_by_its_owner_only(client):
    _forum, token, s = await _attendee(client)
    csrf = await csrf_token(client)
    await client.post(f"/tickets/{token}/stars/{s['panel'].id}/star", data={"_csrf_token": csrf})
    mine = await client.get(f"/tickets/{token}/agenda.ics")
    assert (mine.status_code, mine.headers["cache-control"]) == (200, "private, max-age=300")
    again = await client.get(
        f"/tickets/{token}/agenda.ics", headers={"if-none-match": mine.headers["etag"]}
    )
    assert (again.status_code, again.headers["cache-control"]) == (304, "private, max-age=300")
    zipped = await client.get(f"/tickets/{token}/agenda.ics", headers={"accept-encoding": "gzip"})
    assert zipped.headers["cache-control"] == "private, max-age=300"
    # the forum's own feed, the same for everyone, may sit in shared caches
    public = await client.get("/forums/tf/agenda.ics")
    assert (public.status_code, public.headers["cache-control"]) == (200, "public, max-age=300")


async def _backdate(forum, token) -> None:
    """Everything the feed depends on last changed an hour ago: a change made now is in a
    later second, so that If-Modified-Since can tell them apart."""
    past = time.now() - dt.timedelta(hours=1)
    await AgendaSession.update({AgendaSession.updated_at: past}).where(
        AgendaSession.forum == forum.id
    )
    await Forum.update({Forum.updated_at: past}).where(Forum.id == forum.id)
    await Registration.update({Registration.updated_at: past}).where(Registration.token == token)


async def _poll(client, token, previous) -> httpx.Response:
    """A calendar app asking again, with one validator of its copy."""
    return await client.get(f"/tickets/{token}/agenda.ics", headers=previous)


@pytest.mark.parametrize("validator", ["etag", "last-modified"])
async def test_a_star_from_the_agenda_page_reaches_a_polling_calendar(client, validator):
    forum, token, s = await _attendee(client)
    await _backdate(forum, token)
    first = await client.get(f"/tickets/{token}/agenda.ics")
    assert first.status_code == 200
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(first.text).events] == []
    header = {"etag": "if-none-match", "last-modified": "if-modified-since"}[validator]

    def copy_of(response) -> dict:
        return {header: response.headers[validator]}

    assert (await _poll(client, token, copy_of(first))).status_code == 304
    csrf = await csrf_token(client)
    starred = await client.post(
        "/forums/tf/my-stars",
        json={"session_id": s["panel"].id, "starred": True},
        headers={"x-csrftoken": csrf, "accept": "application/json"},
    )
    assert starred.json() == {"ticket": True, "session_ids": [s["panel"].id]}
    second = await _poll(client, token, copy_of(first))
    assert second.status_code == 200  # not a stale 304
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(second.text).events] == [
        "Panel 座談"
    ]
    assert second.headers["last-modified"] != first.headers["last-modified"]
    assert second.headers["etag"] != first.headers["etag"]
    assert (await _poll(client, token, copy_of(second))).status_code == 304
    # taking the star off moves it again
    await _backdate(forum, token)
    unchanged = await client.get(f"/tickets/{token}/agenda.ics")
    await client.post(
        "/forums/tf/my-stars",
        json={"session_id": s["panel"].id, "starred": False},
        headers={"x-csrftoken": csrf, "accept": "application/json"},
    )
    third = await _poll(client, token, copy_of(unchanged))
    assert third.status_code == 200
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(third.text).events] == []


async def test_a_booked_or_dropped_workshop_reaches_a_polling_calendar(client):
    forum, token, _s = await _attendee(client)
    workshop = await make_session(
        forum, "Lab 工作坊", kind=SessionKind.WORKSHOP, capacity=5, start="15:00", end="16:00"
    )
    await _backdate(forum, token)
    csrf = await csrf_token(client)
    before = await client.get(f"/tickets/{token}/agenda.ics")
    since = {"if-modified-since": before.headers["last-modified"]}
    booked = await client.post(
        f"/tickets/{token}/sessions/{workshop.id}/book", data={"_csrf_token": csrf}
    )
    assert booked.status_code == 303
    after = await _poll(client, token, since)
    assert after.status_code == 200
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(after.text).events] == [
        "Lab 工作坊"
    ]
    await _backdate(forum, token)
    before = await client.get(f"/tickets/{token}/agenda.ics")
    since = {"if-modified-since": before.headers["last-modified"]}
    await client.post(f"/tickets/{token}/sessions/{workshop.id}/drop", data={"_csrf_token": csrf})
    dropped = await _poll(client, token, since)
    assert dropped.status_code == 200
    assert list(icalendar.Calendar.from_ical(dropped.text).events) == []
