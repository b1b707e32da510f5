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
        "林佳龍",
        "Lin Chia-lung",
        "Ministry of Foreign Affairs",
        "Speaker",
    ]
    assert "Marco Chiesara" in second and "Press" in second and "林佳龍" not in second


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


def test_category_labels_follow_the_interface_language():
    with i18n.language("zh-TW"):
        pdf = badges.render([badge(1, c) for c in ("speaker", "press", "vip", "staff", "attendee")])
    labels = [t.split("\n")[-1] for t in page_texts(pdf)]
    assert labels == ["講者", "媒體", "貴賓", "工作人員", "與會者"]


def test_unknown_category_is_shown_as_given_on_a_grey_band():
    assert page_texts(badges.render([badge(1, "sponsor")]))[0].endswith("sponsor")


def test_progress_is_reported_after_each_badge():
    seen = []
    badges.render([badge(i) for i in range(1, 4)], progress=lambda *a: seen.append(a))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_long_names_shrink_to_fit_the_badge():
    long = "Maximiliane Alexandra von Hohenzollern-Sigmaringen"
    pdf = badges.render([badge(1, name=long, organization="Taiwan Fund for Children " * 3)])
    assert long in page_texts(pdf)[0]
