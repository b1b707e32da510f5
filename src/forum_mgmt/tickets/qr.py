"""QR images of ticket codes: SVG for pages, PNG for mail and badges; error correction M.

Codes are uppercase base32, so qrcode picks the alphanumeric mode and a code fits
version 5 (37×37 modules); PRODUCT.md allows up to version 6 at level M.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
from PIL.Image import Image
from qrcode.image.svg import SvgPathImage

_BORDER = 4  # the quiet zone the QR standard asks for, in modules


def build(code: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=_BORDER)
    qr.add_data(code)
    qr.make(fit=True)
    return qr


def svg(code: str) -> str:
    """A standalone SVG document (one path; sized in mm, scalable by its viewBox)."""
    image = build(code).make_image(image_factory=SvgPathImage)
    return image.to_string(encoding="unicode")


def image(code: str, *, box_size: int = 8) -> Image:
    """A black-on-white PIL image, `box_size` pixels per module."""
    qr = build(code)
    qr.box_size = box_size
    return qr.make_image().get_image()


def png(code: str, *, box_size: int = 8) -> bytes:
    buffer = io.BytesIO()
    image(code, box_size=box_size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
