"""Both interface languages have a catalogue that covers every string the code marks."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _marked() -> set[str]:
    """The msgids in the code and templates now, extracted as `make messages` does."""
    with (ROOT / "babel.cfg").open() as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    found = set()
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(folder: str):
    with (ROOT / "locales" / folder / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp)


@pytest.fixture(scope="module")
def marked() -> set[str]:
    found = _marked()
    assert len(found) > 300  # the extraction saw the code
    return found


def test_traditional_chinese_translates_every_marked_string(marked):
    catalogue = _catalogue("zh_TW")
    missing, fuzzy, placeholders = [], [], []
    for msgid in sorted(marked):
        message = catalogue.get(msgid)
        if message is None or not (
            message.string[0] if isinstance(message.string, tuple) else message.string
        ):
            missing.append(msgid)
            continue
        if message.fuzzy:
            fuzzy.append(msgid)
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text)):
            placeholders.append(msgid)
    assert missing == []
    assert fuzzy == []
    assert placeholders == []


def test_the_english_catalogue_knows_every_marked_string(marked):
    catalogue = _catalogue("en")
    assert sorted(m for m in marked if m not in catalogue) == []
