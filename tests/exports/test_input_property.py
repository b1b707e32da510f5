"""Any text, through every way in and every output of what was stored (issue 11).

Each example is refused with a 4xx naming the field, or stored; what was stored comes out
of the pages (escaped), the calendars (two parsers), schedule.xml (the schema), schedule.json,
the registrations CSV and a badge PDF, and reads back as it went in.
"""

from __future__ import annotations

import csv
import io
import itertools
import json

import vobject
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream
from lxml import etree
from markupsafe import escape
from pypdf import PdfReader

from forum_mgmt.core.errors import DomainError
from forum_mgmt.exports import services as exports
from forum_mgmt.exports.services import cache
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration.tables import Registration
from tests.conftest import csrf_token
from tests.factories import at, bearer, make_forum, make_user
from tests.registration.helpers import body

# What broke outputs before, and what must survive: controls, line breaks, bidi controls,
# joined emoji with variation selectors and skin tones, combining marks, CJK, markup.
SPECIALS = [
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\t",
    "\r\n",
    "\n",
    "\u2028",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200e",
    "\ufeff",
    "\ufffe",
    "👩\u200d💻",
    "🏳\ufe0f\u200d🌈",
    "👍🏽",
    "e\u0301",
    "王小明",
    "ＡＢＣ",
    "<b>&amp;</b>",
    "=cmd",
    '"',
    " ",
]
PIECES = st.one_of(st.text(max_size=6), st.sampled_from(SPECIALS))
TEXT = st.lists(PIECES, min_size=1, max_size=5).map("".join)
SURROGATE = st.sampled_from(["", "", "\ud800", "\udfff"])  # JSON can carry a lone one
_number = itertools.count(1)


def _json(payload: dict) -> bytes:
    return json.dumps(payload).encode()  # ASCII with \\u escapes: lone surrogates too


def _refused(response, fields: set[str], *, malformed: bool = False) -> bool:
    """True for a 4xx naming one of these fields; False when stored."""
    if response.status_code in (200, 201, 303):
        return False
    assert 400 <= response.status_code < 500, response.text
    answer = response.json()
    if malformed and "fields" not in answer:  # a lone surrogate: not JSON text at all
        assert (response.status_code, answer["error"]) == (400, "bad_request"), answer
        assert "surrogate" in answer["message"], answer
        return True
    named = set(answer["fields"])
    assert named and named <= fields, (named, fields)
    return True


async def _calendar_summaries(text: str) -> list[str]:
    first = [e.summary for e in IcsCalendarStream.calendar_from_ics(text).events]
    second = [e.summary.value for e in vobject.readOne(text).vevent_list]
    assert first == second
    return first


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    # An example costs about a second (a forum, two imports, every output): no shrinking,
    # which would run for minutes; the failing example is reported as generated.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=TEXT, prose=TEXT, odd=SURROGATE)
async def test_any_text_is_refused_naming_its_field_or_comes_out_of_every_output(
    client, validate_xml, title, prose, odd
):
    n = next(_number)
    slug = f"p{n}"
    forum = await make_forum(slug)
    _user, token = await make_user(f"org{n}", role=Role.ORGANIZER, forum=forum)
    auth = {**bearer(token), "content-type": "application/json"}
    api = f"/api/forums/{slug}"
    cache.clear()

    # Ways in: the JSON API (organizer and public), an HTML form, the forum file.
    session = await client.post(
        f"{api}/sessions",
        content=_json(
            {
                "title": title + odd,
                "abstract": prose,
                "starts_at": at("09:00"),
                "ends_at": at("10:00"),
            }
        ),
        headers=auth,
    )
    speaker = await client.post(
        f"{api}/speakers", content=_json({"name": title, "bio": prose}), headers=auth
    )
    person = await client.post(
        f"{api}/registrations",
        content=_json(body(n, name=title, organization=prose.replace("\n", " ") + odd)),
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    room = await client.post(
        f"/manage/forums/{slug}/rooms",
        data={"_csrf_token": await csrf_token(client), "name": title},
        headers=bearer(token) | {"accept": "text/html"},
    )
    assert room.status_code in (303, 422), room.text
    if room.status_code == 422:  # the form shows the reason beside the field
        assert 'id="e-name"' in room.text, room.text
    doc = json.loads(await exports.export_forum(slug))
    doc["forum"]["slug"] = f"{slug}-copy"
    doc["forum"]["name"] = title
    for item in doc["rooms"] + doc["speakers"] + doc["sessions"]:
        item.pop("uid", None)  # a copy, not the same items twice
    try:
        await exports.import_forum(json.dumps(doc).encode())
        refusal = None
    except DomainError as err:
        refusal = err
    if refusal is not None:
        assert (refusal.status_code, "$.forum" in refusal.message) == (422, True), refusal

    # Outputs of what was stored.
    if not _refused(session, {"title", "abstract"}, malformed=bool(odd)):
        stored = session.json()
        sid = stored["id"]
        page = await client.get(f"/forums/{slug}/sessions/{sid}")
        assert page.status_code == 200
        assert str(escape(stored["title"])) in page.text
        one = await client.get(f"/forums/{slug}/sessions/{sid}.ics")
        assert await _calendar_summaries(one.text) == [stored["title"]]
        feed = await client.get(f"/forums/{slug}/agenda.ics")
        assert await _calendar_summaries(feed.text) == [stored["title"]]
        xml = await client.get(f"/forums/{slug}/schedule.xml")
        validate_xml(xml.content)
        event = etree.fromstring(xml.content).find(".//event")
        assert (event.findtext("title"), event.findtext("abstract")) == (
            stored["title"],
            stored["abstract"],
        )
        schedule = json.loads((await client.get(f"/forums/{slug}/schedule.json")).content)
        [day] = schedule["schedule"]["conference"]["days"]
        assert [e["title"] for r in day["rooms"].values() for e in r] == [stored["title"]]
    if not _refused(speaker, {"name", "bio"}):
        page = await client.get(f"/forums/{slug}/speakers/{speaker.json()['id']}")
        assert page.status_code == 200
        assert str(escape(speaker.json()["name"])) in page.text
    if not _refused(person, {"name", "organization"}, malformed=bool(odd)):
        sheet = await client.get(f"/manage/forums/{slug}/registrations.csv", headers=bearer(token))
        [row] = csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig")))
        stored = (
            await Registration.select(Registration.name)
            .where(Registration.forum == forum.id)
            .first()
        )
        assert stored is not None
        formula = stored["name"][:1] in ("=", "+", "-", "@")  # CSV injection: quoted
        assert row["Name"] == ("'" if formula else "") + stored["name"]
        badges = await client.get(f"/manage/forums/{slug}/badges.pdf", headers=bearer(token))
        assert badges.status_code == 200
        assert len(PdfReader(io.BytesIO(badges.content)).pages) >= 1
