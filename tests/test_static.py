"""Static files: fingerprinted names served immutable, gzip when accepted, plain names
kept, and `forum-mgmt collectstatic DIR` writing the same for the proxy (issue 17)."""

from __future__ import annotations

import gzip
import json
import re
import shutil

import pytest

from forum_mgmt.cli import main as cli
from forum_mgmt.core import assets
from forum_mgmt.core.settings import ROOT
from tests.test_headers import CSP

FINGERPRINTED = re.compile(r"^/static/site\.[0-9a-f]{8}\.css$")


@pytest.fixture
def static_dir(tmp_path, monkeypatch):
    """The app's static/ replaced by a copy the test may edit."""
    directory = tmp_path / "static"
    shutil.copytree(ROOT / "static", directory)
    (directory / "vendor" / "lib.min.js").write_text("var a = 1;\n")
    (directory / "favicon.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    monkeypatch.setattr(assets, "DIRECTORY", directory)
    monkeypatch.setattr(assets, "_current", None)
    return directory


def test_the_address_changes_with_the_content(static_dir, monkeypatch):
    first = assets.static_url("site.css")
    assert FINGERPRINTED.match(first)
    assert assets.static_url("vendor/lib.min.js").startswith("/static/vendor/lib.min.")
    (static_dir / "site.css").write_text("body { color: navy }\n")
    monkeypatch.setattr(assets, "_checked", 0.0)  # outside production: checked once a second
    second = assets.static_url("site.css")
    assert FINGERPRINTED.match(second) and second != first
    with pytest.raises(LookupError):
        assets.static_url("nothing.css")


async def test_fingerprinted_files_are_immutable_and_gzipped(client, static_dir):
    url = assets.static_url("site.css")
    plain = (static_dir / "site.css").read_bytes()
    raw = await client.get(url, headers={"accept-encoding": "identity"})
    assert raw.status_code == 200 and raw.content == plain
    assert raw.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert raw.headers["content-type"].startswith("text/css")
    assert raw.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in raw.headers
    assert raw.headers["content-security-policy"] == CSP
    zipped = await client.get(url, headers={"accept-encoding": "br, gzip;q=0.8"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) < len(plain) / 2
    assert zipped.content == plain  # httpx undoes the gzip
    assert zipped.headers["etag"] != raw.headers["etag"]  # another representation
    again = await client.get(url, headers={"if-none-match": zipped.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    for response in (raw, zipped, again):
        assert "set-cookie" not in response.headers


async def test_plain_names_stay_unknown_hashes_do_not(client, static_dir):
    plain = await client.get("/static/site.css")
    assert plain.status_code == 200
    assert plain.headers["cache-control"] == "public, max-age=300"
    assert (await client.get("/static/vendor/lib.min.js")).status_code == 200
    image = await client.get("/static/favicon.png", headers={"accept-encoding": "gzip"})
    assert image.headers["content-type"] == "image/png"
    assert "content-encoding" not in image.headers and "vary" not in image.headers
    for name in ("site.00000000.css", "nothing.css", "../pyproject.toml"):
        assert (await client.get(f"/static/{name}")).status_code == 404, name
    assert (await client.post("/static/site.css")).status_code == 405
    head = await client.head(assets.static_url("site.css"), headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "text/css; charset=utf-8"
    assert head.headers["content-length"] == str(len((static_dir / "site.css").read_bytes()))


async def test_the_scanners_worker_keeps_its_address_and_scope(client):
    worker = await client.get("/static/checkin-sw.js")
    assert worker.status_code == 200
    assert worker.headers["service-worker-allowed"] == "/checkin/"
    assert "immutable" not in worker.headers["cache-control"]


async def test_pages_name_their_files_by_fingerprint(client):
    page = await client.get("/login")
    assert f'href="{assets.static_url("site.css")}"' in page.text
    assert 'href="/static/site.css"' not in page.text


def test_collectstatic_writes_what_the_proxy_serves(tmp_path, capsys):
    out = tmp_path / "collected"
    assert cli(["collectstatic", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    sources = [p for p in (ROOT / "static").rglob("*") if p.is_file()]
    assert len(manifest) == len(sources)
    for source in sources:
        name = source.relative_to(ROOT / "static").as_posix()
        hashed = manifest[name]
        assert f"/static/{hashed}" == assets.static_url(name)
        for written in (out / name, out / hashed):
            assert written.read_bytes() == source.read_bytes()
        gz = out / f"{hashed}.gz"
        if source.suffix in (".css", ".js", ".svg"):
            assert gzip.decompress(gz.read_bytes()) == source.read_bytes()
            assert gz.read_bytes()[4:8] == b"\0\0\0\0"  # no timestamp: the same bytes each run
            assert (out / f"{name}.gz").read_bytes() == gz.read_bytes()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    assert cli(["collectstatic", str(out)]) == 0  # a rerun rewrites nothing
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
