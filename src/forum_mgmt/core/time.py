"""Store UTC, show the forum's local time: every conversion goes through here."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_time, get_timezone_location

from forum_mgmt.core.i18n import babel_locale

UTC = dt.UTC


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_zone(name: str) -> bool:
    return name in _zones()


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def local(instant: dt.datetime, tz: str) -> dt.datetime:
    return instant.astimezone(ZoneInfo(tz))


def at(day: dt.date, clock: dt.time, tz: str) -> dt.datetime:
    """The UTC instant of a wall-clock time on a day in a zone."""
    return dt.datetime.combine(day, clock, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def parse_local(text: str, tz: str) -> dt.datetime:
    """A wall-clock time typed in a form ("2026-12-05T09:00"), in the forum's zone, as UTC."""
    naive = dt.datetime.fromisoformat(text)
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def day_bounds(day: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which a local day starts and ends."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(tz))
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(tz))
    return start.astimezone(UTC), end.astimezone(UTC)


def today(tz: str) -> dt.date:
    return now().astimezone(ZoneInfo(tz)).date()


def fmt_date(day: dt.date | dt.datetime, style: str = "full") -> str:
    """full, long or medium: "Sunday, 6 December 2026", "6 Dec 2026", "2026年12月6日 星期日".
    All-number dates ("short") read differently across the world: medium stands in."""
    return format_date(day, format="medium" if style == "short" else style, locale=babel_locale())


def fmt_time(instant: dt.datetime, tz: str) -> str:
    return format_time(local(instant, tz), format="HH:mm", locale=babel_locale())


def fmt_day_time(instant: dt.datetime, tz: str, style: str = "full") -> str:
    """A day and a time in the zone, joined as the language writes it: "Sunday, 6 December
    2026, 09:00", "2026年12月6日 星期日，09:00" (a full-width comma in Chinese)."""
    return f"{fmt_date(local(instant, tz), style)}{comma()}{fmt_time(instant, tz)}"


def comma() -> str:
    """The comma between a day and a time: full-width after Chinese (星期日，09:00)."""
    return "，" if babel_locale().language == "zh" else ", "


def fmt_range(start: dt.date, end: dt.date) -> str:
    if start == end:
        return fmt_date(start, "long")
    return f"{fmt_date(start, 'long')} – {fmt_date(end, 'long')}"


def zone_name(tz: str) -> str:
    """A zone as its reader says it, from CLDR's city and region pattern: "Taipei Time",
    臺北時間 (Taiwan writes 臺 where CLDR's exemplar city has the variant 台)."""
    if tz in ("UTC", "Etc/UTC"):
        return "UTC"
    locale = babel_locale()
    city = get_timezone_location(zone(tz), locale=locale, return_city=True)
    name = str(locale.zone_formats["region"]) % city
    return name.replace("台", "臺") if str(locale) == "zh_Hant_TW" else name
