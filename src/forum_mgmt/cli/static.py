"""`forum-mgmt collectstatic DIR`: static/ as a proxy serves it (deploy/).

DIR/<path> and DIR/<stem>.<hash8><suffix> for every file, each text file with a `.gz`
sibling (gzip -9, no timestamp: the same release writes the same bytes), and
DIR/manifest.json (plain name -> fingerprinted name). The proxy serves DIR at /static/,
the fingerprinted names `immutable`, the `.gz` to clients that accept gzip.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    collect = sub.add_parser(
        "collectstatic", help="write static files, fingerprinted and gzipped, for a proxy"
    )
    collect.add_argument("directory", type=Path, metavar="DIR")
    collect.set_defaults(run=_collect)


def collect(directory: Path) -> int:
    """Writes the files under `directory`; returns how many static files there are."""
    from forum_mgmt.core import assets

    files = assets.Assets(assets.DIRECTORY)
    for asset in files.files.values():
        for name in (asset.path, asset.hashed):
            _write(directory / name, asset.body)
            if asset.gz is not None:
                _write(directory / f"{name}.gz", asset.gz)
    manifest = json.dumps(files.manifest(), indent=2, sort_keys=True) + "\n"
    _write(directory / "manifest.json", manifest.encode())
    return len(files.files)


def _write(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != body:  # a rerun leaves the files alone
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(body)
        temporary.replace(path)  # a proxy reading it never sees half a file


def _collect(args: argparse.Namespace) -> int:
    count = collect(args.directory)
    print(f"Wrote {count} static file(s), fingerprinted and gzipped, under {args.directory}.")
    return 0
