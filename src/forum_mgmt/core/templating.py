"""Jinja2 set-up: gettext, the forum's local time, names in two scripts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine as Engine
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from forum_mgmt.core import assets, i18n, time
from forum_mgmt.core.settings import ROOT


def bilingual(primary: str, local: str) -> Markup:
    """Both names, the second one smaller; a name in the other script than the page's
    carries its language (林佳龍 on an English page, Lin Chia-lung on a Chinese one), so
    screen readers and fonts treat it as what it is."""
    return _both(*i18n.localized_pair({"name": primary, "name_local": local}))


def _both(first: str, second: str) -> Markup:
    """`first` in the page's language, `second` (may be empty) smaller beside it; either
    written in the other script carries its language."""
    page = i18n.current()
    # format() escapes the names and the attribute; only our own markup is trusted
    shown = _in_lang(Markup("{}").format(first), i18n.text_lang(first), page)
    if not second:
        return shown
    other = i18n.text_lang(second)
    if other and other != page:
        return Markup('{} <span class="alt" lang="{}">{}</span>').format(
            shown, i18n.HTML_LANG[other], second
        )
    return Markup('{} <span class="alt">{}</span>').format(shown, second)


def _in_lang(text: Markup, lang: str | None, page: str) -> Markup:
    if lang is None or lang == page:
        return text
    return Markup('<span lang="{}">{}</span>').format(i18n.HTML_LANG[lang], text)


def shown(item: Any, field: str = "name", *, both: bool = False) -> str | Markup:
    """The one way a template shows an organizer-entered text (a forum's, room's, track's,
    category's, question's, session's or speaker's name, title, theme...): in the reader's
    language with the other as fallback; `both` adds the other language beside it."""
    first, second = i18n.localized_pair(item, field)
    if not both:
        return first
    return _both(first, second)


def switch_url(request: Request, lang: str) -> str:
    """This page in another language (the choice is remembered by a cookie). An API token
    in the address (an old device link) is not copied into the page's links."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "token")]
    return f"{request.url.path}?{urlencode([*params, ('lang', lang)])}"


def _local_time(instant: dt.datetime, tz: str) -> str:
    return time.fmt_time(instant, tz)


def _local_date(value: dt.date | dt.datetime, tz: str | None = None, style: str = "full") -> str:
    if isinstance(value, dt.datetime) and tz:
        value = time.local(value, tz)
    return time.fmt_date(value, style)


def _setup(engine: Engine) -> None:
    env = engine.engine
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=i18n._, ngettext=i18n.ngettext, pgettext=i18n.pgettext, newstyle=True
    )
    env.globals.update(
        lang=i18n.current,
        languages=i18n.LANGUAGES,
        bilingual=bilingual,
        shown=shown,
        texts=i18n.localized_pair,
        switch_url=switch_url,
        comma=time.comma,
        static_url=assets.static_url,
    )
    env.filters.update(
        local_time=_local_time,
        local_date=_local_date,
        local_day_time=time.fmt_day_time,
        date_range=time.fmt_range,
        zone_name=time.zone_name,
    )


def render(request: Request, name: str, /, **context: Any) -> str:
    """A template of the app rendered to a string (a cached part of a page)."""
    engine = request.app.template_engine
    if engine is None:  # create_app() always configures one
        raise RuntimeError("the app has no template engine")
    return str(engine.get_template(name).render(**context))


def template_config(directory: Path = ROOT / "templates") -> TemplateConfig[Any]:
    return TemplateConfig(directory=directory, engine=Engine, engine_callback=_setup)
