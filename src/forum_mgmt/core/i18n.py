"""Two interface languages through gettext: English and Traditional Chinese (Taiwan).

The language of a request lives in a context variable set by the app's before-request
hook, so `_()` works the same in services, templates and error handlers.
"""

from __future__ import annotations

import gettext as _gettext
import io
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from forum_mgmt.core.settings import ROOT

DEFAULT = "en"
LANGUAGES = {"en": "English", "zh-TW": "繁體中文"}
# gettext catalogue folder and Babel locale for each interface language
_CATALOGUE = {"en": "en", "zh-TW": "zh_TW"}
# International English (CLDR en_001): "6 Dec 2026", day before month, never "12/6/26"
_BABEL = {"en": "en_001", "zh-TW": "zh_Hant_TW"}
LOCALES_DIR = ROOT / "locales"

# the `lang` attribute of a text in each language, marked inside a page of the other
HTML_LANG = {"en": "en", "zh-TW": "zh-Hant-TW"}
_HAN = re.compile(r"[\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    folder = LOCALES_DIR / _CATALOGUE[lang] / "LC_MESSAGES"
    mo, po = folder / "messages.mo", folder / "messages.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp)
    if po.exists():  # not compiled yet (a fresh checkout): compile in memory
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=_CATALOGUE[lang])
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return Translations(buf)
    return _gettext.NullTranslations()


def current() -> str:
    return _current.get()


def activate(lang: str) -> Token[str]:
    return _current.set(lang if lang in LANGUAGES else DEFAULT)


def deactivate(token: Token[str]) -> None:
    _current.reset(token)


@contextmanager
def language(lang: str) -> Iterator[None]:
    token = activate(lang)
    try:
        yield
    finally:
        deactivate(token)


def babel_locale(lang: str | None = None) -> Locale:
    return Locale.parse(_BABEL[lang or current()])


def _(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word that reads differently by what it names: pgettext("person", "Name") is 姓名,
    a forum's or a room's "Name" is 名稱."""
    return translations(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message


def normalise(tag: str | None) -> str | None:
    """Map what a person or a browser asks for (zh-TW, zh_Hant, zh, en-GB) to ours."""
    if not tag:
        return None
    t = tag.strip().replace("_", "-").lower()
    if t.startswith("zh"):
        # Simplified Chinese readers still read Traditional better than English here.
        return "zh-TW"
    if t.startswith("en"):
        return "en"
    return None


def from_accept_language(header: str) -> str | None:
    weighted = []
    for part in header.split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if (lang := normalise(tag)) is not None:
            weighted.append((weight, lang))
    return max(weighted, key=lambda w: w[0])[1] if weighted else None


def text_lang(text: str) -> str | None:
    """The interface language whose script a name is written in: Chinese when it has a
    Han character (or Bopomofo), English when it has Latin letters, else None (digits)."""
    if _HAN.search(text):
        return "zh-TW"
    if _LATIN.search(text):
        return "en"
    return None


def localized_pair(item: Any, field: str = "name", lang: str | None = None) -> tuple[str, str]:
    """An organizer-entered text in two languages, the reader's first: (shown, the other).

    The plain column (`name`) holds the forum's first language, `name_local` the second
    (Chinese); a reader of a language the item lacks gets the other one. The only place that
    reads both columns for display: templates, mails, calendars and CSV files call it
    through `core/templating.shown` or directly.
    """
    get = item.get if isinstance(item, Mapping) else (lambda k, d="": getattr(item, k, d))
    primary = (get(field, "") or "").strip()
    local = (get(f"{field}_local", "") or "").strip()
    if (lang or current()) == "zh-TW":
        first, second = (local, primary) if local else (primary, "")
    else:
        first, second = (primary, local) if primary else (local, "")
    return first, ("" if second == first else second)


def localized(item: Any, field: str = "name", lang: str | None = None) -> str:
    """The text in the reader's language, or in the other one when it lacks it."""
    return localized_pair(item, field, lang)[0]
