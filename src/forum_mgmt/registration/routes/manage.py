"""The organizer's registration workspace: list, decide, edit, export, write, set up."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from forum_mgmt.audit.auth import actor
from forum_mgmt.core.errors import DomainError
from forum_mgmt.core.forms import CHECKED
from forum_mgmt.core.ids import parse_id
from forum_mgmt.forums.guards import forum_of
from forum_mgmt.registration import forms, services
from forum_mgmt.registration.questions import KINDS
from forum_mgmt.tickets import services as tickets

PAGE = 100


def _filters(status: str, category: str, session: str, q: str) -> services.Filters:
    return services.Filters(
        status=status,
        category=category,
        session=parse_id(session),
        q=q[:200],
    )


def query_filters(
    status: FromQuery[str] = "",
    category: FromQuery[str] = "",
    session: FromQuery[str] = "",
    q: FromQuery[str] = "",
) -> services.Filters:
    """The list's filters from the query string (the list, its CSV and its links)."""
    return _filters(status, category, session, q)


def _query(filters: services.Filters) -> str:
    return urlencode(
        {
            "status": filters.status,
            "category": filters.category,
            "session": filters.session or "",
            "q": filters.q,
        }
    )


class RegistrationManagePages(Controller):
    """Mounted in the /manage router (organizers of the forum)."""

    path = "/forums/{slug:str}"
    dependencies = {"filters": Provide(query_filters, sync_to_thread=False)}  # noqa: RUF012

    @get("/registrations", name="manage-registrations")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        filters: NamedDependency[services.Filters],
        page: FromQuery[int] = 1,
        done: FromQuery[str] = "",
    ) -> Template:
        forum = forum_of(request)
        page = max(page, 1)
        rows, more = await services.browse(
            forum, filters, limit=PAGE, offset=(page - 1) * PAGE, by=actor(request)
        )
        query = _query(filters)
        return Template(
            "registration/manage.html",
            context={
                "forum": forum,
                "category_label": services.category_name,
                "section": "registrations",
                "rows": rows,
                "more": more,
                "page": page,
                "filters": filters,
                "query": query,
                "counts": await services.counts(forum),
                "categories": await services.ensure_categories(forum),
                "workshops": await services.workshops(forum),
                "done": done,
            },
        )

    @post("/registrations/{registration_id:int}/{action:str}", status_code=200)
    async def decide(
        self,
        request: Request,
        slug: FromPath[str],
        registration_id: FromPath[int],
        action: FromPath[str],
    ) -> Redirect:
        await services.decide(
            forum_of(request), registration_id, action, by="organizer", actor=actor(request)
        )
        back = (await request.form()).get("back") or ""
        return Redirect(f"/manage/forums/{slug}/registrations?{_safe(back)}", status_code=303)

    @get("/registrations/new")
    async def add_form(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        values = {"category": "attendee", "session_ids": [], "answers": {}}
        return Template(
            "registration/manage_add.html", context=await _add_context(forum, values, {}, "")
        )

    @post("/registrations/new", status_code=HTTP_200_OK)
    async def add(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """An organizer registers someone, in any category (invitation-only ones too)."""
        forum = forum_of(request)
        form = await request.form()
        try:
            await services.register_for(forum, forms.registration_in(form), by=actor(request))
        except DomainError as err:
            context = await _add_context(forum, forms.typed(form), err.fields, err.message)
            return Template(
                "registration/manage_add.html", context=context, status_code=err.status_code
            )
        return Redirect(f"/manage/forums/{slug}/registrations?done=saved", status_code=303)

    @get("/registrations/{registration_id:int}")
    async def edit_form(
        self,
        request: Request,
        slug: FromPath[str],
        registration_id: FromPath[int],
        done: FromQuery[str] = "",
    ) -> Template:
        forum = forum_of(request)
        row = await services.open_registration(forum, registration_id, by=actor(request))
        context = await _edit_context(forum, row)
        return Template("registration/manage_edit.html", context={**context, "done": done})

    @post("/registrations/{registration_id:int}", status_code=HTTP_200_OK)
    async def edit(
        self, request: Request, slug: FromPath[str], registration_id: FromPath[int]
    ) -> Template | Redirect:
        forum = forum_of(request)
        registration = await services.get_registration(forum, registration_id)
        form = await request.form()
        try:
            await services.update_details(
                forum, registration, forms.details_in(form), by=actor(request)
            )
        except DomainError as err:
            context = await _edit_context(forum, await services.row_of(forum, registration_id))
            context.update(values=forms.typed(form), errors=err.fields, message=err.message)
            return Template("registration/manage_edit.html", context=context, status_code=422)
        return Redirect(f"/manage/forums/{slug}/registrations?done=saved", status_code=303)

    @get("/registrations.csv")
    async def csv(
        self,
        request: Request,
        slug: FromPath[str],
        filters: NamedDependency[services.Filters],
    ) -> Response:
        body = await services.export_csv(forum_of(request), filters, by=actor(request))
        return Response(
            body,
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"Content-Disposition": f'attachment; filename="{slug}-registrations.csv"'},
        )

    @get("/registrations/mail")
    async def mail_log(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        return Template(
            "registration/mail_log.html",
            context={
                "forum": forum,
                "section": "registrations",
                "messages": await services.mail_log(forum, by=actor(request)),
                "outbox_folder": services.outbox_folder(),
            },
        )

    @post("/registrations/mail", status_code=HTTP_200_OK)
    async def mail(self, request: Request, slug: FromPath[str]) -> Redirect:
        forum = forum_of(request)
        form = await request.form()
        filters = _filters(
            form.get("status") or "",
            form.get("category") or "",
            form.get("session") or "",
            form.get("q") or "",
        )
        count = await services.mail_group(
            forum,
            filters,
            subject=form.get("subject") or "",
            body=form.get("body") or "",
            subject_local=form.get("subject_local") or "",
            body_local=form.get("body_local") or "",
            by=actor(request),
        )
        return Redirect(f"/manage/forums/{slug}/registrations?done=mailed-{count}", status_code=303)

    @get("/registration-settings")
    async def settings(self, request: Request, slug: FromPath[str]) -> Template:
        forum = forum_of(request)
        return Template(
            "registration/settings.html",
            context={
                "forum": forum,
                "category_label": services.category_name,
                "section": "registration-settings",
                "categories": await services.ensure_categories(forum),
                "questions": await services.questions(forum),
                "kinds": KINDS,
            },
        )

    @post("/registration-settings/categories/{category_id:int}", status_code=200)
    async def category(
        self, request: Request, slug: FromPath[str], category_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        quota = form.get("quota") or "0"
        await services.update_category(
            forum_of(request),
            category_id,
            public=form.get("public") in CHECKED,
            approval=form.get("approval") in CHECKED,
            quota=parse_id(quota) or (0 if quota == "0" else -1),
        )
        return Redirect(f"/manage/forums/{slug}/registration-settings", status_code=303)

    @post("/registration-settings/questions", status_code=200)
    async def add_question(self, request: Request, slug: FromPath[str]) -> Redirect:
        form = await request.form()
        await services.add_question(
            forum_of(request),
            label=form.get("label") or "",
            label_local=form.get("label_local") or "",
            kind=form.get("kind") or "text",
            choices=form.get("choices") or "",
            choices_local=form.get("choices_local") or "",
            required=form.get("required") in CHECKED,
        )
        return Redirect(f"/manage/forums/{slug}/registration-settings", status_code=303)

    @post("/registration-settings/questions/{question_id:int}/remove", status_code=200)
    async def remove_question(
        self, request: Request, slug: FromPath[str], question_id: FromPath[int]
    ) -> Redirect:
        await services.remove_question(forum_of(request), question_id)
        return Redirect(f"/manage/forums/{slug}/registration-settings", status_code=303)


def _safe(query: str) -> str:
    """Only our own filter parameters go back into the redirect."""
    keep = {"status", "category", "session", "q", "page"}
    return urlencode([(k, v) for k, v in parse_qsl(query) if k in keep])


async def _add_context(forum, values: dict, errors: dict, message: str) -> dict:
    return {
        "forum": forum,
        "section": "registrations",
        "category_label": services.category_name,
        "categories": await services.ensure_categories(forum),
        "countries": services.countries(),
        "questions": await services.questions(forum),
        "kinds": KINDS,
        "workshops": await services.workshops(forum),
        "values": values,
        "errors": errors,
        "message": message,
    }


async def _edit_context(forum, row: services.Row) -> dict:
    r = row.registration
    return {
        "forum": forum,
        "category_label": services.category_name,
        "categories": await services.ensure_categories(forum),
        "section": "registrations",
        "row": row,
        "values": {
            **{k: getattr(r, k) for k in forms.TEXT if hasattr(r, k)},
            "answers": services.loaded(r.answers),
        },
        "errors": {},
        "message": "",
        "countries": services.countries(),
        "questions": await services.questions(forum),
        "kinds": KINDS,
        "ticket_serial": await tickets.current_serial(r.id),
        "done": "",
    }
