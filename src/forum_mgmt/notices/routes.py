"""A person's opt-out link from agenda change notices: /notices/{person}/{signature}.
The link only shows a button; the POST confirms (a mail scanner following links must
not opt anyone out)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.notices import services


class NoticeOptOutPages(Controller):
    path = "/notices/{ref:str}/{sig:str}"
    include_in_schema = False

    @get("/", name="notice-opt-out")
    async def page(self, ref: FromPath[str], sig: FromPath[str]) -> Template:
        forum, person, name = await services.person_of_link(ref, sig)
        done = await services.opted_out(person)
        return _page(forum, name, done=done)

    @post("/", status_code=HTTP_200_OK)
    async def confirm(self, ref: FromPath[str], sig: FromPath[str]) -> Template:
        forum, person, name = await services.person_of_link(ref, sig)
        await services.opt_out(forum, person)
        return _page(forum, name, done=True)


def _page(forum, name: str, *, done: bool) -> Template:
    return Template("notices/opt_out.html", context={"forum": forum, "name": name, "done": done})
