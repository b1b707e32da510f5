"""Ids from outside (core/ids.py): what is no id, or no id the database could hold, names
nothing: a 404 on every route, never a 500 from the database refusing the number."""

import re

import pytest

from forum_mgmt.core.ids import MAX_ID, parse_id
from forum_mgmt.forums.tables import Role
from tests.conftest import csrf_token, sign_in
from tests.factories import make_forum, make_user

# "²" is a digit to str.isdigit() but not to int(); 2**31 overflows a PostgreSQL integer.
BAD_IDS = ["%C2%B2", "abc", "-1", "0", "99999999999999999999", str(MAX_ID + 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        ("007", 7),
        (str(MAX_ID + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        ("1_0", None),
        (" 1", None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() reads them, an id has none
        ("", None),
        ("abc", None),
        (None, None),
        (12, None),  # only text is parsed
    ],
)
def test_parse_id_takes_ascii_digits_in_the_range_of_an_integer_column(text, expected):
    assert parse_id(text) == expected


def _int_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route with an `{x:int}` path parameter."""
    found = []
    for route in app.routes:
        if ":int}" in route.path:
            found += [(method, route.path) for method in sorted(route.methods - {"OPTIONS"})]
    return found


def _url(template: str, bad: str) -> str:
    url = template.replace("{slug:str}", "tf")
    url = re.sub(r"\{\w+:int\}", bad, url)
    return re.sub(r"\{\w+:str\}", "approve", url)


async def test_every_int_path_parameter_out_of_range_is_a_404(app, client):
    routes = _int_routes(app)
    assert len(routes) >= 25  # rooms, tracks, speakers, sessions, registrations, tokens, ...
    forum = await make_forum("tf")
    await make_user("org", role=Role.ORGANIZER, forum=forum, admin=True)
    await sign_in(client, "org")
    headers = {"x-csrftoken": await csrf_token(client), "accept": "application/json"}
    for method, template in routes:
        for bad in BAD_IDS:
            url = _url(template, bad)
            body = {} if method in ("POST", "PATCH") else None
            response = await client.request(method, url, headers=headers, json=body)
            assert response.status_code == 404, (method, url, response.text)
            assert response.json()["error"] == "not_found", (method, url)


# Query-string ids of the organizer's and staff's pages: a bad one selects nothing or is
# refused, never a 500.
QUERY_ID_URLS = [
    "/manage/forums/tf/registrations?session={bad}",
    "/manage/forums/tf/registrations.csv?session={bad}",
    "/manage/forums/tf/badges.pdf?session={bad}",
    "/manage/forums/tf/badges.pdf?id={bad}",
    "/api/forums/tf/checkin-data?session_id={bad}",
]


async def test_bad_query_ids_of_workspace_pages_are_never_a_500(client):
    forum = await make_forum("tf")
    await make_user("org", role=Role.ORGANIZER, forum=forum, admin=True)
    await sign_in(client, "org")
    for template in QUERY_ID_URLS:
        for bad in BAD_IDS:
            response = await client.get(template.format(bad=bad))
            assert response.status_code in (200, 400, 404), (template, bad, response.text)


async def test_a_quota_that_is_no_number_is_refused_and_changes_nothing(client):
    from forum_mgmt.registration.services import ensure_categories
    from forum_mgmt.registration.services.listing import categories_of

    forum = await make_forum("tf", capacity=10)
    await ensure_categories(forum)
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    category = (await categories_of(forum))[0]
    token = await csrf_token(client)
    for bad in ["²", "-1", "99999999999999999999", "abc"]:
        response = await client.post(
            f"/manage/forums/tf/registration-settings/categories/{category.id}",
            data={"quota": bad, "_csrf_token": token},
        )
        assert response.status_code in (400, 422), (bad, response.status_code)
    assert (await categories_of(forum))[0].quota == category.quota
