"""The ceiling of bench/read.py: what the same server stack does with no app behind it.

A minimal ASGI app on uvicorn (same loop, HTTP parser and worker count as `forum-mgmt
serve`), no framework and no middleware, answering stored bodies: each the same bytes,
type and encoding as the read it is compared with, with its ETag, and 304 when the
client has it. bench/read.py stores the bodies and starts it:

    .venv/bin/python bench/ceiling.py --port 8071 --workers 2 --store DIR

DIR/index.json maps a path to {"file", "type", "encoding", "etag"}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

_answers: dict[str, tuple[list, bytes, list, bytes]] = {}


def _load() -> None:
    store = Path(os.environ["CEILING_STORE"])
    for path, entry in json.loads((store / "index.json").read_text()).items():
        body = (store / entry["file"]).read_bytes()
        etag = entry["etag"].encode()
        headers = [(b"content-type", entry["type"].encode()), (b"etag", etag)]
        if entry["encoding"]:
            headers.append((b"content-encoding", entry["encoding"].encode()))
        full = [*headers, (b"content-length", str(len(body)).encode())]
        not_modified = [(b"etag", etag)]
        _answers[path] = (full, body, not_modified, etag)


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _load()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    answer = _answers.get(scope["path"])
    if answer is None:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    full, body, not_modified, etag = answer
    for name, value in scope["headers"]:
        if name == b"if-none-match" and value == etag:
            await send({"type": "http.response.start", "status": 304, "headers": not_modified})
            await send({"type": "http.response.body", "body": b""})
            return
    await send({"type": "http.response.start", "status": 200, "headers": full})
    await send({"type": "http.response.body", "body": body})


def main() -> int:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", required=True, help="the stored bodies (index.json)")
    args = parser.parse_args()
    os.environ["CEILING_STORE"] = str(Path(args.store).resolve())
    uvicorn.run(
        "ceiling:app",
        app_dir=str(Path(__file__).resolve().parent),
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
        proxy_headers=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
