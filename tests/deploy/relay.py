"""A TCP relay for the two-host test: the app hosts live in network namespaces, PostgreSQL and
Redis listen on 127.0.0.1 of the root namespace only. Each `ADDRESS=TARGET_PORT` argument
listens on ADDRESS (a veth's root-side address) at a free port and forwards every
connection to 127.0.0.1:TARGET_PORT. Prints {"ADDRESS=TARGET_PORT": port, ...} once
listening, then runs until killed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def _forward(target: int):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    return handle


async def main(specs: list[str]) -> None:
    ports = {}
    servers = []
    for spec in specs:
        address, _, target = spec.partition("=")
        server = await asyncio.start_server(_forward(int(target)), address, 0)
        servers.append(server)
        ports[spec] = server.sockets[0].getsockname()[1]
    print(json.dumps(ports), flush=True)  # noqa: T201
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
