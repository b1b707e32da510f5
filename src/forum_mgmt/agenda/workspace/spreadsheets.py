"""The CSV import pages: upload a spreadsheet, see every row checked, then import it.

Mounted under /manage by app.py. No server state is kept between preview and apply: the
preview page carries the file back in a hidden field (base64, within the upload limit),
and apply checks every row again, so an edited field can do no more than an upload.
"""

from __future__ import annotations

import base64
import binascii

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.agenda import services
from forum_mgmt.agenda.services import ImportPlan, ImportRefused, InvalidImport
from forum_mgmt.agenda.services.spreadsheet import COLUMNS, LABELS, MAX_BYTES, MAX_ROWS
from forum_mgmt.core.forms import CHECKED
from forum_mgmt.core.i18n import _
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.forums.tables import Forum


class ImportPages(Controller):
    """/manage/forums/{slug}/import: the upload form, the preview, the import."""

    path = "/forums/{slug:str}/import"

    @get("/")
    async def upload(self, request: Request, slug: FromPath[str]) -> Template:
        return _upload_page(forum_of(request))

    @get("/template-speakers.csv", media_type="text/csv; charset=utf-8")
    async def speakers_template(self, slug: FromPath[str]) -> Response[bytes]:
        return _csv_file("speakers")

    @get("/template-sessions.csv", media_type="text/csv; charset=utf-8")
    async def sessions_template(self, slug: FromPath[str]) -> Response[bytes]:
        return _csv_file("sessions")

    @post("/preview", status_code=HTTP_200_OK)
    async def preview(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        form = await request.form()
        upload = form.get("file")
        data = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        kind = str(form.get("kind") or "") or None
        try:
            plan = await services.preview(forum, data, kind=kind)
        except InvalidImport as err:
            return _upload_page(forum, err.message, err.status_code)
        return _preview_page(forum, plan, data)

    @post("/apply", status_code=HTTP_200_OK)
    async def apply(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        forum = forum_of(request)
        form = dict(await request.form())
        try:
            data = base64.b64decode(str(form.get("content") or ""), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            return _upload_page(forum, _("The file was lost on the way: upload it again."), 400)
        try:
            done = await services.apply(
                forum,
                data,
                kind=str(form.get("kind") or "") or None,
                allow_conflicts=form.get("allow_conflicts") in CHECKED,
                by=request.user,
            )
        except ImportRefused as refused:
            return _preview_page(forum, refused.plan, data, refused.message, refused.status_code)
        except InvalidImport as err:
            return _upload_page(forum, err.message, err.status_code)
        return Redirect(f"/manage/forums/{slug}/{done.kind}?imported={done.count}", status_code=303)


def _csv_file(kind: str) -> Response[bytes]:
    return Response(
        services.template_csv(kind),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{kind}.csv"'},
    )


def _upload_page(forum: Forum, error: str | None = None, status: int = 200) -> Template:
    return Template(
        "manage/import.html",
        context={
            "forum": forum,
            "error": error,
            "columns": COLUMNS,
            "max_kb": MAX_BYTES // 1000,
            "max_rows": MAX_ROWS,
            "section": "import",
        },
        status_code=status,
    )


def _preview_page(
    forum: Forum, plan: ImportPlan, data: bytes, error: str | None = None, status: int = 200
) -> Template:
    return Template(
        "manage/import_preview.html",
        context={
            "forum": forum,
            "plan": plan,
            "labels": LABELS[plan.kind],
            "content": base64.urlsafe_b64encode(data).decode(),
            "error": error,
            "section": "import",
        },
        status_code=status,
    )
