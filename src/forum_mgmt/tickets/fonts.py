"""Noto Sans CJK TC with TrueType outlines, made once from Debian's CFF collection.

Why: fpdf2 embeds a CFF (PostScript-outline) CID font with its own Encoding CMap stream
that maps its codes to the font's CIDs. poppler reads that stream, but pdfminer (and so
pdfplumber and the indexers built on it) only looks the stream's /CMapName up among the
predefined CMaps, finds none, and decodes every string to nothing. With TrueType outlines
fpdf2 writes the standard Identity-H encoding and a CIDToGIDMap, which every extractor
reads.

The conversion (quadratic curves within one font unit, keeping only the glyphs the
Unicode cmap reaches) takes about a minute of CPU a face, so it runs once: `make fonts`
(`forum-mgmt fonts`) or else the first render. The result is kept under var/fonts/
(FORUM_MGMT_FONT_CACHE moves it); the fonts' version in the name remakes it on change.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from functools import cache
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]  # no hints
from fontTools.pens.cu2quPen import Cu2QuPen  # type: ignore[import-untyped]  # no hints
from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]  # no hints
from fontTools.ttLib import TTFont, newTable  # type: ignore[import-untyped]  # no hints

from forum_mgmt.core.settings import ROOT

log = logging.getLogger(__name__)

STYLES = ("Regular", "Bold")
_TC_FACE = 3  # Noto Sans CJK TC within the NotoSansCJK-*.ttc collections
_DEBIAN_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"
_VERSION = 1  # bump when the conversion changes, so caches are remade
_MAX_ERR = 1.0  # font units (of 1000 an em) a quadratic may stray from the cubic
_DROP = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]  # fpdf2 shapes nothing
_lock = threading.Lock()


class FontMissing(RuntimeError):
    pass


def cache_dir() -> Path:
    return Path(os.environ.get("FORUM_MGMT_FONT_CACHE", ROOT / "var" / "fonts"))


def source(style: str = "Regular") -> str:
    """The Noto Sans CJK collection holding the TC face, as fontconfig finds it."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        pattern = "Noto Sans CJK TC" + (":bold" if style == "Bold" else "")
        found = subprocess.run(  # noqa: S603 - fixed arguments
            [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if "NotoSansCJK" in found and Path(found).exists():
            return found
    fallback = _DEBIAN_FONT.format(style)
    if Path(fallback).exists():
        return fallback
    raise FontMissing("Noto Sans CJK TC is not installed: `make system-deps` installs it")


@cache
def truetype(style: str = "Regular") -> Path:
    """The TrueType-outline Noto Sans CJK TC of this style, converted on first use."""
    path = cache_dir() / f"NotoSansCJKTC-{style}-glyf-v{_VERSION}.ttf"
    with _lock:
        if not path.exists():
            origin = source(style)
            log.warning("Converting %s to TrueType outlines once, into %s", origin, path)
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as fp:
                try:
                    convert(origin, fp)
                except BaseException:
                    Path(fp.name).unlink(missing_ok=True)
                    raise
            os.chmod(fp.name, 0o644)
            os.replace(fp.name, path)  # whole or absent, even with two processes at it
    return path


def convert(origin: str, out: object, face: int = _TC_FACE) -> None:
    """Write the face's cmap-reachable glyphs with quadratic (glyf) outlines to `out`."""
    font = TTFont(origin, fontNumber=face, lazy=False)
    options = subset.Options()
    options.glyph_names = True  # a post table with names: fpdf2 need not rebuild them
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.drop_tables += _DROP
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)

    order = font.getGlyphOrder()
    outlines = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        outlines[name].draw(Cu2QuPen(pen, _MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    del font["CFF "]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.mapping, post.extraNames = 2.0, {}, []
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(out)
