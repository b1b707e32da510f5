"""Printable badge PDFs: A6, or four A6 badges on an A4 sheet with cut marks.

fpdf2 embeds a subset of Noto Sans CJK TC (Debian's fonts-noto-cjk, converted once to
TrueType outlines by tickets/fonts.py), so Chinese names are real glyphs and text that
poppler, pdfminer/pdfplumber and pypdf all extract. Input is plain data, not registration rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF

from forum_mgmt.core.i18n import N_, _
from forum_mgmt.tickets import fonts, qr

WIDTH, HEIGHT = 105.0, 148.0  # A6, mm
A4 = (210.0, 297.0)
MARGIN = 7.0
FONT = "NotoTC"

# category -> band colour (white text on it reads well), label
CATEGORIES: dict[str, tuple[tuple[int, int, int], str]] = {
    "speaker": ((179, 38, 30), N_("Speaker")),
    "press": ((21, 101, 192), N_("Press")),
    "vip": ((106, 27, 154), N_("VIP")),
    "staff": ((46, 125, 50), N_("Staff")),
    "attendee": ((55, 71, 79), N_("Attendee")),
}
_GREY = (90, 90, 90)

Layout = Literal["a6", "a4"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Badge:
    name: str
    code: str
    forum_name: str
    name_local: str = ""
    organization: str = ""
    category: str = "attendee"
    forum_name_local: str = ""
    details: str = ""  # a ticket's date and venue, under the QR; empty on badges


def _pdf(layout: Layout) -> FPDF:
    pdf = FPDF(unit="mm", format=(WIDTH, HEIGHT) if layout == "a6" else A4)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creator("forum_mgmt")
    pdf.add_font(FONT, "", fonts.truetype("Regular"))
    pdf.add_font(FONT, "B", fonts.truetype("Bold"))
    return pdf


def _fit_line(pdf: FPDF, x: float, y: float, text: str, *, size: float, style: str = "") -> float:
    """One centred line, shrunk to fit the badge's width; returns its height in mm."""
    if not text:
        return 0.0
    pdf.set_font(FONT, style, size)
    width = WIDTH - 2 * MARGIN
    if (natural := pdf.get_string_width(text)) > width:
        pdf.set_font_size(max(6.0, size * width / natural))
    height = pdf.font_size * 1.3
    pdf.set_xy(x + MARGIN, y)
    pdf.cell(width, height, text, align="C")
    return height


def _draw(pdf: FPDF, badge: Badge, x: float, y: float) -> None:
    pdf.set_text_color(*_GREY)
    top = y + MARGIN
    top += _fit_line(pdf, x, top, badge.forum_name, size=10)
    top += _fit_line(pdf, x, top, badge.forum_name_local, size=9)
    pdf.set_text_color(0, 0, 0)
    top += 4
    if badge.name_local:
        top += _fit_line(pdf, x, top, badge.name_local, size=34, style="B")
        top += _fit_line(pdf, x, top, badge.name, size=18)
    else:
        top += _fit_line(pdf, x, top, badge.name, size=26, style="B")
    top += 1
    pdf.set_text_color(*_GREY)
    _fit_line(pdf, x, top, badge.organization, size=12)

    side = 47.0  # 45 modules with the quiet zone: over 1 mm a module, for arm's length
    pdf.image(qr.image(badge.code, box_size=4), x + (WIDTH - side) / 2, y + 70, side, side)
    if badge.details:
        pdf.set_text_color(*_GREY)
        _fit_line(pdf, x, y + 70 + side, badge.details, size=8)

    colour, label = CATEGORIES.get(badge.category, (_GREY, badge.category))
    pdf.set_fill_color(*colour)
    pdf.rect(x, y + HEIGHT - 26, WIDTH, 19, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 22)
    pdf.set_xy(x, y + HEIGHT - 26)
    pdf.cell(WIDTH, 19, _(label) if badge.category in CATEGORIES else label, align="C")


def _cut_marks(pdf: FPDF) -> None:
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    sheet_w, bottom = A4[0], 2 * HEIGHT
    for cut_x in (WIDTH,):
        pdf.line(cut_x, 0, cut_x, 5)
        pdf.line(cut_x, bottom - 5, cut_x, bottom)
    for cut_y in (HEIGHT, bottom):
        pdf.line(0, cut_y, 5, cut_y)
        pdf.line(sheet_w - 5, cut_y, sheet_w, cut_y)
    pdf.line(WIDTH - 3, HEIGHT, WIDTH + 3, HEIGHT)
    pdf.line(WIDTH, HEIGHT - 3, WIDTH, HEIGHT + 3)


def render(
    badges: Iterable[Badge], *, layout: Layout = "a6", progress: Progress | None = None
) -> bytes:
    """A PDF with one badge per A6 page, or four per A4 sheet; calls `progress(done, total)`."""
    items = list(badges)
    pdf = _pdf(layout)
    slots = [(0.0, 0.0)] if layout == "a6" else [(0, 0), (WIDTH, 0), (0, HEIGHT), (WIDTH, HEIGHT)]
    for done, badge in enumerate(items, start=1):
        slot = (done - 1) % len(slots)
        if slot == 0:
            pdf.add_page()
            if layout == "a4":
                _cut_marks(pdf)
        _draw(pdf, badge, *slots[slot])
        if progress is not None:
            progress(done, len(items))
    if not items:
        pdf.add_page()
    return bytes(pdf.output())
