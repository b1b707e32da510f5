"""A forum's categories, extra questions and bookable workshops; the country list."""

from __future__ import annotations

import time
from functools import cache

from forum_mgmt.agenda.tables import AgendaSession, SessionKind
from forum_mgmt.core import text
from forum_mgmt.core import time as time_
from forum_mgmt.core.db import transaction
from forum_mgmt.core.errors import DomainError, NotFound
from forum_mgmt.core.i18n import N_, _, babel_locale, current, localized, translations
from forum_mgmt.forums.tables import Forum
from forum_mgmt.registration.questions import KINDS, unknown_kind
from forum_mgmt.registration.services import seats
from forum_mgmt.registration.tables import Category, Question

# code, English name (translated where shown), public, needs approval
DEFAULT_CATEGORIES = [
    ("attendee", N_("Attendee"), True, False),
    ("speaker", N_("Speaker"), False, False),
    ("press", N_("Press"), True, True),
    ("vip", N_("VIP"), False, False),
    ("staff", N_("Staff"), False, False),
]


class InvalidSetting(DomainError):
    status_code, code = 422, "invalid"


async def ensure_categories(forum: Forum) -> list[Category]:
    """The forum's categories, the defaults created on first use (safe to call twice)."""
    rows = await Category.objects().where(Category.forum == forum.id).order_by(Category.position)
    if not rows:
        await Category.insert(
            *[
                Category(
                    forum=forum.id,
                    code=code,
                    name=name,
                    name_local=translations("zh-TW").gettext(name),
                    public=public,
                    approval=approval,
                    position=i,
                )
                for i, (code, name, public, approval) in enumerate(DEFAULT_CATEGORIES)
            ]
        ).on_conflict(action="DO NOTHING")
        rows = (
            await Category.objects().where(Category.forum == forum.id).order_by(Category.position)
        )
    # The seat counters live beside the categories: sign-ups only ever update them.
    await seats.ensure(
        seats.forum_key(forum.id),
        seats.waitlist_key(forum.id),
        f"shared:{forum.id}",
        *(f"category:{c.id}" for c in rows),
    )
    return rows


def category_name(category: Category) -> str:
    """The category's name in the reader's language, the other one when it lacks it."""
    return localized(category)


def category_label(name: str, name_local: str) -> str:
    """category_name() for a category read as a row (its name and name_local)."""
    return localized({"name": name, "name_local": name_local})


async def update_category(
    forum: Forum, category_id: int, *, public: bool, approval: bool, quota: int
) -> Category:
    """Change who may take a category and the seats held for it."""
    category = (
        await Category.objects()
        .where((Category.forum == forum.id) & (Category.id == category_id))
        .first()
    )
    if category is None:
        raise NotFound(_("There is no such category."))
    if quota < 0 or (forum.capacity and quota > forum.capacity):
        raise InvalidSetting(
            _("A quota is a number of seats within the forum's capacity."),
            fields={"quota": _("Between 0 and the forum's capacity.")},
        )
    category.public, category.approval, category.quota = public, approval, quota
    async with transaction():
        await seats.lock(seats.forum_key(forum.id))
        await category.save([Category.public, Category.approval, Category.quota])
        categories = await Category.objects().where(Category.forum == forum.id)
        if sum(c.quota for c in categories) > forum.capacity > 0:
            raise InvalidSetting(
                _("The quotas together would exceed the forum's capacity."),
                fields={"quota": _("Between 0 and the forum's capacity.")},
            )
        await seats.recount(forum, categories)
    await forget_setup(forum)
    return category


# The sign-up form's set-up, read on every sign-up: kept for a moment per process, keyed
# by the forum row's updated_at, which every change here moves. A sign-up reads the forum
# row fresh, so a change reaches every worker process at once.
FORM_TTL = 2.0
_form_cache: dict[tuple, tuple[float, list[Category], list[Question]]] = {}


async def form_setup(forum: Forum) -> tuple[list[Category], list[Question]]:
    """The forum's categories and extra questions, as a sign-up needs them."""
    key = (forum.id, forum.created_at, forum.updated_at)
    hit = _form_cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1], hit[2]
    categories, extra = await ensure_categories(forum), await questions(forum)
    if len(_form_cache) > 1000:
        _form_cache.clear()
    _form_cache[key] = (time.monotonic() + FORM_TTL, categories, extra)
    return categories, extra


async def forget_setup(forum: Forum) -> None:
    """The form's set-up changed: move the forum's updated_at, which keys every cache."""
    forum.updated_at = time_.now()
    await Forum.update({Forum.updated_at: forum.updated_at}).where(Forum.id == forum.id)


async def questions(forum: Forum) -> list[Question]:
    return (
        await Question.objects()
        .where(Question.forum == forum.id)
        .order_by(Question.position, Question.id)
    )


async def add_question(
    forum: Forum,
    *,
    label: str,
    label_local: str = "",
    kind: str,
    choices: str = "",
    choices_local: str = "",
    required: bool = False,
) -> Question:
    """A new extra question at the end of the form."""
    fields: dict[str, str] = {}
    label = text.check(fields, "label", label)
    label_local = text.check(fields, "label_local", label_local)
    choices = text.check(fields, "choices", choices, long=True)
    choices_local = text.check(fields, "choices_local", choices_local, long=True)
    if not label or len(label) > 300:
        fields.setdefault("label", _("Between 1 and 300 characters."))
    if len(label_local) > 300:
        fields.setdefault("label_local", _("At most 300 characters."))
    options = [c.strip() for c in choices.splitlines() if c.strip()]
    options_local = [c.strip() for c in choices_local.splitlines() if c.strip()]
    if options_local and len(options_local) != len(options):
        fields["choices_local"] = _("Give as many options in the second language, line for line.")
    if kind not in KINDS:
        fields["kind"] = unknown_kind()
    elif problem := KINDS[kind].setup_error(options):
        fields["choices"] = problem
    if fields:
        raise InvalidSetting(_("Some fields need attention."), fields=fields)
    count = await Question.count().where(Question.forum == forum.id)
    question = Question(
        forum=forum.id,
        label=label.strip(),
        label_local=label_local.strip(),
        kind=kind,
        choices="\n".join(options),
        choices_local="\n".join(options_local),
        required=required,
        position=count,
    )
    await question.save()
    await forget_setup(forum)
    return question


async def remove_question(forum: Forum, question_id: int) -> None:
    await Question.delete().where((Question.forum == forum.id) & (Question.id == question_id))
    await forget_setup(forum)


async def workshops(forum: Forum) -> list[dict]:
    """The sessions one books a seat in: this forum's workshops, with their capacity."""
    rows = await (
        AgendaSession.select(
            AgendaSession.id,
            AgendaSession.title,
            AgendaSession.title_local,
            AgendaSession.starts_at,
            AgendaSession.capacity,
            AgendaSession.room.capacity.as_alias("room_capacity"),
        )
        .where(
            (AgendaSession.forum == forum.id)
            & (AgendaSession.kind == SessionKind.WORKSHOP)
            & AgendaSession.cancelled_at.is_null()
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    for row in rows:
        row["seats"] = row["capacity"] if row["capacity"] is not None else row["room_capacity"] or 0
    return rows


@cache
def _country_codes() -> tuple[str, ...]:
    names = babel_locale("en").territories
    # Two letters and not one of CLDR's groupings or private-use codes.
    odd = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
    codes = [c for c in names if isinstance(c, str)]
    return tuple(sorted(c for c in codes if len(c) == 2 and c.isalpha() and c not in odd))


def is_country(code: str) -> bool:
    return code in _country_codes()


# The names people in Taiwan use, where CLDR gives a long or official form ("中國香港特別
# 行政區", "Hong Kong SAR China"); Taiwan's own name in its official characters (臺灣).
NAMES_USED = {
    "en": {"HK": "Hong Kong", "MO": "Macao", "PS": "Palestine"},
    "zh-TW": {"TW": "臺灣", "HK": "香港", "MO": "澳門", "PS": "巴勒斯坦"},
}


def countries() -> list[tuple[str, str]]:
    """(code, name) in the reader's language, sorted by name."""
    names = {**babel_locale().territories, **NAMES_USED.get(current(), {})}
    return sorted(((c, names.get(c, c)) for c in _country_codes()), key=lambda p: p[1])
