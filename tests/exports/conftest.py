"""Exports are parsed back with real parsers and validated against the published schemas."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from forum_mgmt.exports.services import cache

# The schemas live beside the repository, in ../shared/schemas (as on CI).
SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas"


@pytest.fixture(autouse=True)
def empty_export_cache():
    cache.clear()
    yield
    cache.clear()


def _schema_file(name: str) -> Path:
    path = SCHEMAS / name
    if not path.exists():
        reason = f"{path} is missing: put the shared/ folder beside the repository"
        if os.environ.get("CI"):  # CI always has shared/ beside the clone: never skip there
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def validate_xml():
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(_schema_file("voc-schedule.xml.xsd"))))

    def validate(body: bytes) -> None:
        document = etree.fromstring(body)
        assert schema.validate(document), schema.error_log

    return validate


@pytest.fixture(scope="session")
def validate_json():
    import jsonschema

    schema = json.loads(_schema_file("voc-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )

    def validate(body: bytes) -> None:
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(body))
        ]
        assert errors == []

    return validate
