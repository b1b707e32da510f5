"""Input that used to break outputs (issue 11): one rule for text, core/text.py, on every
way in; the outputs stay well-formed for rows stored before the rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from lxml import etree

from forum_mgmt.agenda.tables import AgendaSession, Speaker
from forum_mgmt.exports import services as exports
from forum_mgmt.forums.tables import Forum, Role
from forum_mgmt.registration.tables import Question, Registration
from tests.conftest import IS_POSTGRES, csrf_token, sign_in
from tests.factories import at, bearer, make_forum, make_session, make_user
from tests.registration.helpers import body
from tests.workspace.test_import_pages import confirm_fields, organizer, upload

REGISTER = "/api/forums/tf/registrations"
CONTROL = "This contains a control character."
DIRECTION = "This contains a text direction control (U+202A–U+202E, U+2066–U+2069)."


async def _organizer(slug: str = "tf"):
    forum = await make_forum(slug)
    _user, token = await make_user("org", role=Role.ORGANIZER, forum=forum)
    return forum, bearer(token)


def _session(**fields) -> dict:
    return {"title": "Talk", "starts_at": at("09:00"), "ends_at": at("10:00"), **fields}


async def test_a_nul_byte_in_an_organizer_field_is_a_422_naming_it(client):
    forum, auth = await _organizer()
    speaker = await client.post(
        "/api/forums/tf/speakers", json={"name": "Ann\x00Lee"}, headers=auth
    )
    assert speaker.status_code == 422, speaker.text
    assert speaker.json() == {
        "error": "invalid",
        "message": f"name: {CONTROL}",
        "fields": {"name": CONTROL},
    }
    patch = await client.patch("/api/forums/tf", json={"venue": "Hall\x00"}, headers=auth)
    assert (patch.status_code, patch.json()["fields"]) == (422, {"venue": CONTROL})
    assert await Speaker.count() == 0
    assert (await Forum.objects().get(Forum.id == forum.id)).venue == "Taipei"
    xml = await client.get("/forums/tf/schedule.xml")
    assert etree.fromstring(xml.content).tag == "schedule"


async def test_a_nul_byte_in_an_html_form_is_shown_next_to_its_field(client):
    forum = await make_forum("tf")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    response = await client.post(
        "/manage/forums/tf/rooms", data={"_csrf_token": token, "name": "Hall\x00A"}
    )
    assert response.status_code == 422
    assert CONTROL in response.text


async def test_a_line_break_in_a_title_becomes_a_space_and_the_ics_is_served(client):
    _forum, auth = await _organizer()
    added = await client.post(
        "/api/forums/tf/sessions",
        json=_session(title="Opening\r\nAddress", abstract="One\r\ntwo\rthree"),
        headers=auth,
    )
    assert added.status_code == 201, added.text
    assert (added.json()["title"], added.json()["abstract"]) == (
        "Opening Address",
        "One\ntwo\nthree",
    )
    ics = await client.get(f"/forums/tf/sessions/{added.json()['id']}.ics")
    assert ics.status_code == 200
    [event] = IcsCalendarStream.calendar_from_ics(ics.text).events
    assert event.summary == "Opening Address"


async def test_a_session_ics_with_a_line_break_stored_before_the_rule_is_served():
    forum = await make_forum("tf")
    view = await make_session(forum, "Opening")
    await AgendaSession.update({AgendaSession.title: "Opening\r\nAddress"}).where(
        AgendaSession.id == view.id
    )
    body_ = (await exports.session_calendar(forum, view.id)).body.decode()
    calendar = vobject.readOne(body_)
    assert calendar.x_wr_calname.value == "Opening Address"
    assert calendar.vevent.summary.value == "Opening\nAddress"  # escaped, not a new line


@pytest.mark.skipif(IS_POSTGRES, reason="PostgreSQL cannot store a NUL byte at all")
async def test_schedule_xml_stays_well_formed_with_a_nul_stored_before_the_rule(validate_xml):
    forum = await make_forum("tf")
    view = await make_session(forum, "Opening")
    await AgendaSession.update({AgendaSession.title: "Open\x00ing\x1b"}).where(
        AgendaSession.id == view.id
    )
    xml = (await exports.schedule_file(forum, "xml")).body
    validate_xml(xml)
    assert etree.fromstring(xml).findtext(".//event/title") == "Opening"


@pytest.mark.parametrize("deep", [b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000])
async def test_json_nested_a_thousand_deep_is_a_400(client, deep):
    await make_forum("tf")
    response = await client.post(
        REGISTER, content=deep, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "bad_request",
        "message": "The JSON is nested too deeply.",
    }


async def test_a_right_to_left_override_in_a_name_is_refused_on_api_and_form(client):
    await make_forum("tf")
    api = await client.post(REGISTER, json=body(1, name="Ann\u202eeeL"))
    assert (api.status_code, api.json()["fields"]) == (422, {"name": DIRECTION})
    token = await csrf_token(client)
    form = await client.post(
        "/forums/tf/register",
        data={"_csrf_token": token, **body(2, name="Ann\u2066x\u2069"), "consent": "on"},
    )
    assert form.status_code == 422
    assert DIRECTION in form.text
    assert await Registration.count() == 0


async def test_an_override_in_a_subject_or_question_label_is_refused(client):
    forum = await make_forum("tf")
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    token = await csrf_token(client)
    mail = await client.post(
        "/manage/forums/tf/registrations/mail",
        data={"_csrf_token": token, "subject": "Hi \u202eevil", "body": "Text"},
    )
    assert mail.status_code == 422
    assert DIRECTION in mail.text
    question = await client.post(
        "/manage/forums/tf/registration-settings/questions",
        data={"_csrf_token": token, "label": "Size\x00", "kind": "text"},
    )
    assert question.status_code == 422
    assert await Question.count() == 0


async def test_long_texts_keep_isolates_and_line_breaks_but_not_overrides(client):
    _forum, auth = await _organizer()
    quoted = "He said \u2067שלום\u2069.\n\tThen left."
    kept = await client.post(
        "/api/forums/tf/sessions", json=_session(abstract=quoted), headers=auth
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["abstract"] == quoted
    override = await client.post(
        "/api/forums/tf/sessions", json=_session(abstract="a\u202eb"), headers=auth
    )
    assert (override.status_code, override.json()["fields"]) == (422, {"abstract": DIRECTION})


async def test_joined_emoji_are_kept_and_text_is_stored_in_nfc(client):
    await make_forum("tf")
    name = "Ada 👩\u200d💻 🏳️\u200d🌈 👍🏽"
    response = await client.post(REGISTER, json=body(1, name=name, organization="Cafe\u0301"))
    assert response.status_code == 201, response.text
    row = await Registration.objects().first()
    assert (row.name, row.organization) == (name, "Café")


async def test_a_control_character_in_an_answer_names_the_question(client):
    forum = await make_forum("tf")
    question = Question(forum=forum.id, label="Why?", kind="text", position=0)
    await question.save()
    key = str(question.id)
    bad = await client.post(REGISTER, json=body(1, answers={key: "Because\x07"}))
    assert (bad.status_code, bad.json()["fields"]) == (422, {f"answers.{key}": CONTROL})
    good = await client.post(REGISTER, json=body(2, answers={key: "Two\r\nlines"}))
    assert good.status_code == 201, good.text
    assert json.loads(good.text)["status"] == "confirmed"


async def test_forum_import_of_a_nul_byte_names_the_field_without_a_traceback(tmp_path):
    forum = await make_forum("tf")
    await make_session(forum, "Opening")
    doc = json.loads(await exports.export_forum("tf"))
    doc["forum"]["slug"] = "tf-copy"
    doc["sessions"][0]["title"] = "Open\x00ing"
    path = tmp_path / "forum.json"
    path.write_text(json.dumps(doc))
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "forum_mgmt.cli", "import", str(path)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Cannot import {path}: This is not a forum file: `title`: {CONTROL} - at `$.sessions[0]`"
    )
    assert await Forum.count() == 1


async def test_a_csv_import_goes_through_the_same_rule(client):
    await organizer(client)
    # The spreadsheet reader drops stray controls and bidi controls itself (Excel leaves
    # them in cells); then each row validates into the API's Struct like any other input.
    sheet = 'name,bio\nCafe\u0301 Ann 👩\u200d💻,"Line one\r\nline two"\n'.encode()
    preview = await upload(client, sheet)
    assert preview.status_code == 200, preview.text
    done = await client.post(
        "/manage/forums/tf/import/apply",
        data={"_csrf_token": await csrf_token(client), **confirm_fields(preview.text)},
    )
    assert done.status_code == 303
    [speaker] = await Speaker.select(Speaker.name, Speaker.bio)
    assert speaker == {"name": "Café Ann 👩\u200d💻", "bio": "Line one\nline two"}
