"""Translation coverage: which public texts of a forum lack one of the forum's languages.

A forum names its content languages (`Forum.languages`, "en zh-TW" by default). The first
is kept in the plain column (`name`), the second in the `_local` one (`name_local`). A text
counts once either language has it; it lacks a language when that language's column is
empty. Publishing lists what is missing and goes ahead only when the organizer accepts that
readers of the missing language see the other one (the fallback of `core/i18n.localized`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forum_mgmt.agenda.tables import AgendaSession, Room, SessionSpeaker, Speaker, Track
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.i18n import _, localized, translations
from forum_mgmt.forums import services as forums
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.tables import Category, Question, QuestionKind

ALLOWED = ("en zh-TW", "en", "zh-TW")
# The field an item is known by in the list of what is missing (else its name).
NAMED_BY = {"question": "label", "session": "title"}


@dataclass(frozen=True)
class Missing:
    """One public text without one of the forum's languages, and where to fix it."""

    kind: str  # forum, room, track, category, question, session, speaker
    id: int
    field: str  # the plain column's name: name, theme, venue, label, choices, title, bio
    language: str
    label: str  # what the organizer recognises it by
    url: str  # the workspace page where it is edited

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "field": self.field, "language": self.language}


@dataclass(frozen=True)
class Coverage:
    missing: list[Missing]
    percent: dict[str, int]  # language -> share of the texts that have it, rounded down


class MissingTranslations(DomainError):
    status_code, code = 409, "missing_translations"


def languages(forum: Forum) -> list[str]:
    return (forum.languages or ALLOWED[0]).split()


def _texts(row: Any, field: str) -> tuple[str, str]:
    return (getattr(row, field) or "").strip(), (getattr(row, f"{field}_local") or "").strip()


async def _items(forum: Forum) -> list[tuple[str, Any, tuple[str, ...], str]]:
    """(kind, row, fields, url) of every public text of the forum."""
    base = f"/manage/forums/{forum.slug}"
    items: list[tuple[str, Any, tuple[str, ...], str]] = [
        ("forum", forum, ("name", "theme", "venue"), base)
    ]
    for room in await Room.objects().where(Room.forum == forum.id).order_by(Room.position):
        items.append(("room", room, ("name",), f"{base}/rooms/{room.id}"))
    for track in await Track.objects().where(Track.forum == forum.id).order_by(Track.id):
        items.append(("track", track, ("name",), f"{base}/tracks/{track.id}"))
    categories = await Category.objects().where(
        (Category.forum == forum.id) & (Category.public == True)  # noqa: E712 - SQL
    )
    for category in sorted(categories, key=lambda c: c.position):
        items.append(("category", category, ("name",), f"{base}/registration-settings"))
    for q in await Question.objects().where(Question.forum == forum.id).order_by(Question.id):
        fields = ("label", "choices") if q.kind == QuestionKind.CHOICE else ("label",)
        items.append(("question", q, fields, f"{base}/registration-settings"))
    sessions = await AgendaSession.objects().where(
        (AgendaSession.forum == forum.id) & AgendaSession.cancelled_at.is_null()
    )
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.id)):
        items.append(("session", s, ("title",), f"{base}/sessions/{s.id}"))
    # The speakers the agenda shows: those on a session that is not cancelled.
    on_agenda = {
        row["speaker"]
        for row in await SessionSpeaker.select(SessionSpeaker.speaker).where(
            SessionSpeaker.session.is_in([s.id for s in sessions] or [0])
        )
    }
    for sp in await Speaker.objects().where(Speaker.forum == forum.id).order_by(Speaker.id):
        if sp.id in on_agenda:
            items.append(("speaker", sp, ("name", "bio"), f"{base}/speakers/{sp.id}"))
    return items


def _category_local(category: Category) -> str:
    """A default category's second-language name comes from the catalogue."""
    if category.name_local:
        return category.name_local
    translated = translations("zh-TW").gettext(category.name)
    return translated if translated != category.name else ""


async def coverage(forum: Forum) -> Coverage:
    """Every public text lacking one of the forum's languages, and each language's share."""
    langs = languages(forum)
    columns = {langs[0]: 0} if len(langs) == 1 else {langs[0]: 0, langs[1]: 1}
    missing: list[Missing] = []
    total = 0
    have = dict.fromkeys(langs, 0)
    for kind, row, fields, url in await _items(forum):
        for field in fields:
            pair = list(_texts(row, field))
            if kind == "category":
                pair[1] = _category_local(row)
            if not any(pair):
                continue
            total += 1
            label = localized(row, NAMED_BY.get(kind, "name"))
            for lang, index in columns.items():
                if pair[index]:
                    have[lang] += 1
                else:
                    missing.append(Missing(kind, row.id, field, lang, label[:80], url))
    percent = {lang: (100 * n // total if total else 100) for lang, n in have.items()}
    return Coverage(missing, percent)


async def publish(forum: Forum, *, accept_fallback: bool = False) -> Forum:
    """Publish the forum when every public text has each of its languages, or when the
    organizer accepts that readers meet the other language where one is missing."""
    if not accept_fallback:
        found = await coverage(forum)
        if found.missing:
            err = MissingTranslations(_("Some public texts lack one of the forum's languages."))
            err.extra = {"missing": [m.as_json() for m in found.missing]}
            raise err
    return await forums.publish(forum)
