"""QR images, read back by a real decoder (zxing-cpp)."""

import base64
import io
import re
import xml.etree.ElementTree as ET

import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_ALPHA_NUM

from forum_mgmt.tickets import codes, qr

KEY = Ed25519PrivateKey.generate()
# Every code has the same length; the largest ids are the longest payload there is.
LONGEST = codes.sign(KEY, codes.MAX_ID, codes.MAX_ID, codes.MAX_SERIAL)


def decode(image: Image.Image) -> list[tuple[str, str, str]]:
    return [(r.text, r.format.name, r.ec_level) for r in zxingcpp.read_barcodes(image)]


def test_longest_code_is_alphanumeric_mode_version_5_at_level_m():
    built = qr.build(LONGEST)
    assert [d.mode for d in built.data_list] == [MODE_ALPHA_NUM]
    assert built.version == 5  # PRODUCT.md: version 6 or lower at level M
    assert built.error_correction == ERROR_CORRECT_M


def test_base32_needs_a_smaller_symbol_than_base64url_of_the_same_bytes():
    _claims, header, signature = codes.read_claims(LONGEST)
    as_base64url = base64.urlsafe_b64encode(header + signature).decode()
    assert (len(LONGEST), len(as_base64url)) == (120, 100)
    assert (qr.build(LONGEST).version, qr.build(as_base64url).version) == (5, 6)


def test_png_decodes_to_the_code():
    data = qr.png(LONGEST)
    image = Image.open(io.BytesIO(data))
    assert image.size == (45 * 8, 45 * 8)  # 37 modules + 2 × 4 quiet zone, 8 px each
    assert decode(image) == [(LONGEST, "QRCode", "M")]


def test_small_png_still_decodes():
    assert decode(Image.open(io.BytesIO(qr.png(LONGEST, box_size=2)))) == [(LONGEST, "QRCode", "M")]


def test_svg_is_one_path_with_the_same_modules_as_the_png():
    document = ET.fromstring(qr.svg(LONGEST))  # noqa: S314 - our own output
    assert document.tag == "{http://www.w3.org/2000/svg}svg"
    assert (document.get("viewBox"), document.get("width")) == ("0 0 45 45", "45mm")
    paths = document.findall("{http://www.w3.org/2000/svg}path")
    assert len(paths) == 1
    # Each dark module is one unit square "M{x},{y}H..V..H..z"; rebuild the image from them.
    squares = re.findall(r"M(\d+),(\d+)H", paths[0].get("d"))
    image = Image.new("L", (45, 45), 255)
    for x, y in squares:
        image.putpixel((int(x), int(y)), 0)
    assert decode(image.resize((360, 360), Image.Resampling.NEAREST)) == [(LONGEST, "QRCode", "M")]
