"""The question kinds registry (registration/questions.py) and what reads it."""

import csv
import io
import re

import pytest

from forum_mgmt.core import db
from forum_mgmt.core.errors import DomainError
from forum_mgmt.forums.tables import Role
from forum_mgmt.registration import services
from forum_mgmt.registration.questions import KINDS
from forum_mgmt.registration.tables import Question, QuestionKind
from tests.conftest import sign_in
from tests.factories import make_forum, make_user
from tests.registration.helpers import person


async def _kinds_the_database_allows() -> list[str]:
    """The values in the live schema's `question_kind_known` CHECK (a pair of triggers on
    SQLite), whichever migration last set it."""
    if db.is_postgres():
        rows = await db.engine().run_ddl(
            "SELECT pg_get_constraintdef(oid) AS rule FROM pg_constraint"
            " WHERE conname = 'question_kind_known'"
        )
    else:
        rows = await db.engine().run_ddl(
            "SELECT sql AS rule FROM sqlite_master WHERE type = 'trigger'"
            " AND name = 'question_kind_known_insert'"
        )
    assert len(rows) == 1
    rule = rows[0]["rule"].split(" BEGIN ", 1)[0]  # SQLite: the trigger's WHEN only
    return re.findall(r"'([^']*)'", rule.split("kind", 1)[1])


async def test_registry_enum_and_database_check_name_the_same_kinds():
    assert list(KINDS) == [k.value for k in QuestionKind]
    assert [k.value for k in KINDS.values()] == list(QuestionKind)
    assert Question.kind._meta.choices is QuestionKind
    assert sorted(await _kinds_the_database_allows()) == sorted(KINDS)


async def test_registry_answers_as_the_form_did():
    forum = await make_forum()
    choice = await services.add_question(forum, label="Size", kind="choice", choices="S\nM")
    yesno = await services.add_question(forum, label="Visa?", kind="yesno")
    text = await services.add_question(forum, label="Why?", kind="text")
    assert KINDS["choice"].options(choice) == [("S", "S"), ("M", "M")]
    assert KINDS["yesno"].options(yesno) == [("yes", "Yes"), ("no", "No")]
    assert KINDS["text"].options(text) == []
    assert [k.input for k in KINDS.values()] == ["text", "radio", "radio"]
    assert KINDS["choice"].answer_error(choice, "XL") == "Choose one of the options."
    assert KINDS["yesno"].answer_error(yesno, "maybe") == "Answer yes or no."
    assert [
        KINDS[k].answer_error(q, v)
        for k, q, v in [("choice", choice, "M"), ("yesno", yesno, "no"), ("text", text, "anything")]
    ] == [None, None, None]


async def test_unknown_kind_names_the_registrys_kinds():
    forum = await make_forum()
    with pytest.raises(DomainError) as err:
        await services.add_question(forum, label="Essay", kind="essay")
    assert err.value.fields == {"kind": "Choose one of: Text, Choice, Yes or no."}
    assert await Question.count() == 0


async def test_settings_page_offers_every_kind_of_the_registry(client):
    forum = await make_forum()
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    page = await client.get("/manage/forums/test-forum/registration-settings")
    select = re.search(r'<select id="kind" name="kind">(.*?)</select>', page.text).group(1)
    assert re.findall(r'<option value="([^"]*)">([^<]*)</option>', select) == [
        ("text", "Text"),
        ("choice", "Choice"),
        ("yesno", "Yes or no"),
    ]


async def test_form_asks_each_kind_with_its_input_and_csv_writes_the_answers(client):
    forum = await make_forum()
    text = await services.add_question(forum, label="Why?", kind="text", required=True)
    choice = await services.add_question(forum, label="Size", kind="choice", choices="S\nM")
    yesno = await services.add_question(forum, label="Visa?", kind="yesno")
    page = (await client.get("/forums/test-forum/register")).text
    assert re.search(
        rf'<input id="q{text.id}" name="answers.{text.id}" value="" maxlength="1000" required',
        page,
    )
    radios = re.findall(r'<input type="radio" name="answers\.(\d+)" value="([^"]*)"', page)
    assert radios == [
        (str(choice.id), "S"),
        (str(choice.id), "M"),
        (str(yesno.id), "yes"),
        (str(yesno.id), "no"),
    ]
    answers = {str(text.id): "To learn", str(choice.id): "M", str(yesno.id): "no"}
    await services.register(forum, person(1, answers=answers))
    await make_user("org", role=Role.ORGANIZER, forum=forum)
    await sign_in(client, "org")
    response = await client.get("/manage/forums/test-forum/registrations.csv")
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[-3:] == ["Why?", "Size", "Visa?"]
    assert row[-3:] == ["To learn", "M", "no"]
