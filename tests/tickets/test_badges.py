"""Badge PDFs: Chinese text extractable, QR codes readable from the printed page.

Text comes out through poppler's pdftotext and through pdfminer (pdfplumber), the two
families of extractors that copy-paste, search and indexers use; pypdf checks the page
sizes and the fonts, and reads the text too.
"""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pdfplumber
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from pypdf import PdfReader

from forum_mgmt.core import i18n
from forum_mgmt.tickets import badges, codes
from forum_mgmt.tickets.badges import Badge

KEY = Ed25519PrivateKey.generate()
FORUM = "NGO Leaders Forum 2026"
POPPLER = {tool: shutil.which(tool) or tool for tool in ("pdftotext", "pdftoppm")}  # poppler-utils


def badge(ticket_id: int, category: str = "speaker", **fields) -> Badge:
    data = {
        "name": "Lin Chia-lung",
        "name_local": "林佳龍",
        "organization": "Ministry of Foreign Affairs",
        "category": category,
        "code": codes.sign(KEY, 1, ticket_id, 0),
        "forum_name": FORUM,
        "forum_name_local": "NGO領袖論壇",
    }
    return Badge(**(data | fields))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's lines (pdftotext), without the blank ones."""
    out = subprocess.run(  # noqa: S603 - poppler with our arguments
        [POPPLER["pdftotext"], "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    pages = out.decode().split("\f")[:-1]
    return ["\n".join(line.strip() for line in p.splitlines() if line.strip()) for p in pages]


def plumber_texts(pdf: bytes) -> list[str]:
    """Each page's lines as pdfminer (through pdfplumber) reads them."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() for page in doc.pages]


def rasterise(pdf: bytes, page: int, dpi: int = 150) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "badges.pdf")
        path.write_bytes(pdf)
        subprocess.run(  # noqa: S603 - poppler with our arguments
            [
                POPPLER["pdftoppm"],
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                "-f",
                str(page),
                str(path),
                str(path.with_suffix("")),
            ],
            check=True,
        )
        return Image.open(path.with_suffix(".png")).copy()


def qr_texts(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image) if r.format.name == "QRCode")


def test_a6_badge_has_both_scripts_organisation_category_and_forum():
    pdf = badges.render([badge(1), badge(2, "press", name="Marco Chiesara", name_local="")])
    reader = PdfReader(io.BytesIO(pdf))
    assert [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages] == [
        (pytest.approx(297.64, abs=0.01), pytest.approx(419.53, abs=0.01))
    ] * 2  # 105 × 148 mm in points
    first, second = (t.split("\n") for t in page_texts(pdf))
    assert first == [
        FORUM,
        "NGO領袖論壇",
        "Lin Chia-lung",
        "林佳龍",
        "Ministry of Foreign Affairs",
        "講者 Speaker",
    ]
    assert "Marco Chiesara" in second and "媒體 Press" in second and "林佳龍" not in second


def test_the_name_as_typed_in_name_is_the_large_line_the_other_script_smaller_beneath():
    pdf = badges.render([badge(1), badge(2, name="林佳龍", name_local="Lin Chia-lung")])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page, (large, small) in zip(
            doc.pages, [("Lin Chia-lung", "林佳龍"), ("林佳龍", "Lin Chia-lung")], strict=True
        ):
            lines = page.extract_text_lines()
            texts = [line["text"] for line in lines]
            big, under = lines[texts.index(large)], lines[texts.index(small)]
            assert big["bottom"] <= under["top"]  # beneath
            assert {c["size"] for c in big["chars"]} == {30.0}
            assert {c["size"] for c in under["chars"]} == {18.0}
            assert all("Bold" in c["fontname"] for c in big["chars"])


def test_font_is_an_embedded_truetype_subset_of_noto_sans_cjk_tc():
    reader = PdfReader(io.BytesIO(badges.render([badge(1)])))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    names = sorted(str(f["/BaseFont"]) for f in fonts)
    assert [n.split("+", 1)[1] for n in names] == ["NotoSansCJKTC", "NotoSansCJKTCBold"]
    assert all(len(n.split("+", 1)[0]) == 7 for n in names)  # "/ABCDEF+": a subset tag
    # the encoding every extractor knows, not an embedded CMap pdfminer cannot read
    assert [str(f["/Encoding"]) for f in fonts] == ["/Identity-H"] * 2
    cid_fonts = [f["/DescendantFonts"][0].get_object() for f in fonts]
    assert [str(c["/Subtype"]) for c in cid_fonts] == ["/CIDFontType2"] * 2  # TrueType
    assert all("/FontFile2" in c["/FontDescriptor"] for c in cid_fonts)


def test_poppler_pdfminer_and_pypdf_read_the_same_names():
    pdf = badges.render([badge(1), badge(2, name="Chen Mei-ling", name_local="陳美玲")])
    poppler, pdfminer = page_texts(pdf), plumber_texts(pdf)
    pypdf = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert poppler == pdfminer == pypdf
    assert {"林佳龍", "Lin Chia-lung", "NGO領袖論壇"} <= set(pdfminer[0].split("\n"))
    assert {"陳美玲", "Chen Mei-ling"} <= set(pdfminer[1].split("\n"))


def test_qr_code_reads_back_from_the_printed_page():
    one = badge(41)
    assert qr_texts(rasterise(badges.render([one]), 1)) == [one.code]


def test_four_badges_to_an_a4_sheet_each_qr_readable():
    batch = [badge(i, c) for i, c in enumerate(badges.CATEGORIES, start=1)]
    pdf = badges.render(batch, layout="a4")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 210
    assert [t.count("林佳龍") for t in page_texts(pdf)] == [4, 1]
    assert "Attendee" in page_texts(pdf)[1]
    assert qr_texts(rasterise(pdf, 1, dpi=200)) == sorted(b.code for b in batch[:4])


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_category_is_printed_in_both_languages_whatever_the_interface(lang):
    with i18n.language(lang):
        pdf = badges.render([badge(1, c) for c in ("speaker", "press", "vip", "staff", "attendee")])
    labels = [t.split("\n")[-1] for t in page_texts(pdf)]
    assert labels == ["講者 Speaker", "媒體 Press", "貴賓 VIP", "工作人員 Staff", "與會者 Attendee"]


def test_unknown_category_is_shown_as_given_on_a_grey_band():
    assert page_texts(badges.render([badge(1, "sponsor")]))[0].endswith("sponsor")


def test_progress_is_reported_after_each_badge():
    seen = []
    badges.render([badge(i) for i in range(1, 4)], progress=lambda *a: seen.append(a))
    assert seen == [(1, 3), (2, 3), (3, 3)]


LONG_LATIN = "Maximiliane Alexandra Hohenzollern-Sigma"  # 40 characters
LONG_CJK = "阿卜杜勒拉赫曼賓穆罕默德阿勒沙特林佳龍堃"  # 20 characters
MM = 72 / 25.4  # points in a millimetre


def test_long_names_shrink_to_one_or_two_lines_inside_the_badge():
    assert (len(LONG_LATIN), len(LONG_CJK)) == (40, 20)
    org = "Taiwan Fund for Children and Families " * 2
    batch = [
        badge(1, name=LONG_LATIN, name_local=LONG_CJK, organization=org),
        badge(2, name=LONG_CJK, name_local=LONG_LATIN, organization=org),
        badge(3, name=LONG_LATIN, name_local=""),
        badge(4, name=LONG_CJK, name_local=""),
    ]
    for layout, slots in (
        ("a6", [(0, 0)]),
        ("a4", [(0, 0), (badges.WIDTH, 0), (0, badges.HEIGHT), (badges.WIDTH, badges.HEIGHT)]),
    ):
        pdf = badges.render(batch, layout=layout)
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            chars = [(n, c) for n, page in enumerate(doc.pages) for c in page.chars]
        for i, one in enumerate(batch):
            page, (x, y) = i // len(slots), slots[i % len(slots)]
            left, right = (x + badges.MARGIN) * MM, (x + badges.WIDTH - badges.MARGIN) * MM
            top, qr_top = (y + badges.MARGIN) * MM, (y + badges.QR_TOP) * MM
            mine = [
                c
                for n, c in chars
                if n == page and x * MM <= c["x0"] < (x + badges.WIDTH) * MM
                if y * MM <= c["top"] < (y + badges.QR_TOP) * MM
            ]
            assert mine
            for c in mine:  # every glyph above the QR code, within the margins
                assert left - 0.01 <= c["x0"] and c["x1"] <= right + 0.01, c
                assert top - 2 <= c["top"] and c["bottom"] <= qr_top, c
            squeezed = "".join(c["text"] for c in mine if c["text"] != " ")
            assert one.name.replace(" ", "") in squeezed
            assert one.name_local.replace(" ", "") in squeezed
            main = [c for c in mine if "Bold" in c["fontname"]]
            assert 1 <= len({round(c["top"], 1) for c in main}) <= 2  # one or two lines
            assert "".join(c["text"] for c in main).replace(" ", "") == one.name.replace(" ", "")
