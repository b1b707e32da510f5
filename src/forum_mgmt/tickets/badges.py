"""Printable badge PDFs: A6, or four A6 badges on an A4 sheet with cut marks.

fpdf2 embeds a subset of Noto Sans CJK TC (Debian's fonts-noto-cjk, converted once to
TrueType outlines by tickets/fonts.py), so Chinese names are real glyphs and text that
poppler, pdfminer/pdfplumber and pypdf all extract. Input is plain data, not registration rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF

from forum_mgmt.core.i18n import N_, _, language
from forum_mgmt.tickets import fonts, qr

WIDTH, HEIGHT = 105.0, 148.0  # A6, mm
A4 = (210.0, 297.0)
MARGIN = 7.0
FONT = "NotoTC"
PT = 25.4 / 72  # mm in a point
LEADING = 1.3  # line height in font sizes: forum name, details
NAME_LEADING = 1.2  # the names and organisation
QR_TOP = 70.0  # mm from the badge's top
_SLACK = 0.5  # mm kept free of each line's width: rounding never reaches the edge

# category -> band colour (white text on it reads well), label (printed in both languages)
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
    block = _fit(pdf, text, size=size, style=style, max_lines=1)
    return _place(pdf, block, x, y, LEADING)


@dataclass(frozen=True)
class _Block:
    """Text set in one or two centred lines at one size (points)."""

    lines: tuple[str, ...]
    size: float
    style: str = ""

    def height(self, leading: float) -> float:
        return len(self.lines) * self.size * PT * leading

    def scaled(self, factor: float) -> _Block:
        return _Block(self.lines, self.size * factor, self.style)


def _splits(text: str) -> Iterator[tuple[str, str]]:
    """Where a line may break: at spaces and after hyphens; between any two characters
    when there are none (Chinese names, one long word)."""
    points = [i for i, c in enumerate(text) if c == " "]
    hyphens = [i + 1 for i, c in enumerate(text[:-1]) if c == "-"]
    if points or hyphens:
        for i in points:
            yield text[:i].rstrip(), text[i + 1 :].lstrip()
        for i in hyphens:
            yield text[:i], text[i:]
    else:
        for i in range(1, len(text)):
            yield text[:i], text[i:]


def _fit(pdf: FPDF, text: str, *, size: float, style: str = "", max_lines: int = 2) -> _Block:
    """The text at the largest size up to `size` at which it fits the badge's width, on
    one line, or on two when that lets it be at least a quarter larger."""
    text = " ".join(text.split())
    if not text:
        return _Block((), size, style)
    pdf.set_font(FONT, style, size)
    width = WIDTH - 2 * MARGIN - _SLACK

    best = _Block((text,), min(size, size * width / pdf.get_string_width(text)), style)
    if max_lines < 2 or best.size >= size:
        return best
    # the break giving the largest size; of equal ones, the most even lines
    breaks = [
        (max(pdf.get_string_width(a), pdf.get_string_width(b)), a, b) for a, b in _splits(text)
    ]
    if not breaks:
        return best
    widest, first, second = min(breaks)
    two = _Block((first, second), min(size, size * width / widest), style)
    return two if two.size >= best.size * 1.25 else best


def _place(pdf: FPDF, block: _Block, x: float, top: float, leading: float) -> float:
    """Draw the block's lines centred from `top`; returns the height used (mm)."""
    line = block.size * PT * leading
    pdf.set_font(FONT, block.style, block.size)
    for n, text in enumerate(block.lines):
        pdf.set_xy(x + MARGIN, top + n * line)
        pdf.cell(WIDTH - 2 * MARGIN, line, text, align="C")
    return block.height(leading)


def category_label(category: str) -> str:
    """The category in Chinese and English (`與會者 Attendee`); an unknown one as given."""
    if category not in CATEGORIES:
        return category
    label = CATEGORIES[category][1]
    with language("zh-TW"):
        chinese = _(label)
    with language("en"):
        english = _(label)
    return english if chinese == english else f"{chinese} {english}"


def _draw(pdf: FPDF, badge: Badge, x: float, y: float) -> None:
    pdf.set_text_color(*_GREY)
    top = y + MARGIN
    top += _fit_line(pdf, x, top, badge.forum_name, size=10)
    top += _fit_line(pdf, x, top, badge.forum_name_local, size=9)
    top += 3

    # The name as typed in Name (as it should appear on the badge) large, the name in the
    # other script smaller beneath, then the organisation: each on one or two lines,
    # shrunk together when they would reach the QR code.
    main, second = badge.name.strip() or badge.name_local, badge.name_local
    if second.strip() == main.strip():
        second = ""
    blocks = [
        (_fit(pdf, main, size=30, style="B"), (0, 0, 0)),
        (_fit(pdf, second, size=18), (0, 0, 0)),
        (_fit(pdf, badge.organization, size=12), _GREY),
    ]
    room = y + QR_TOP - 1.5 - top
    needed = sum(block.height(NAME_LEADING) for block, _colour in blocks)
    if needed > room:
        blocks = [(block.scaled(room / needed), colour) for block, colour in blocks]
        needed = room
    top += (room - needed) / 2
    for block, colour in blocks:
        pdf.set_text_color(*colour)
        top += _place(pdf, block, x, top, NAME_LEADING)

    side = 47.0  # 45 modules with the quiet zone: over 1 mm a module, for arm's length
    pdf.image(qr.image(badge.code, box_size=4), x + (WIDTH - side) / 2, y + QR_TOP, side, side)
    if badge.details:
        pdf.set_text_color(*_GREY)
        _fit_line(pdf, x, y + QR_TOP + side, badge.details, size=8)

    colour = CATEGORIES[badge.category][0] if badge.category in CATEGORIES else _GREY
    pdf.set_fill_color(*colour)
    pdf.rect(x, y + HEIGHT - 26, WIDTH, 19, style="F")
    pdf.set_text_color(255, 255, 255)
    band = _fit(pdf, category_label(badge.category), size=22, style="B", max_lines=1)
    pdf.set_font(FONT, "B", band.size)
    pdf.set_xy(x + MARGIN, y + HEIGHT - 26)
    pdf.cell(WIDTH - 2 * MARGIN, 19, band.lines[0] if band.lines else "", align="C")


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
