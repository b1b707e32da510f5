"""Sign-ups for tests, through the same Struct and service as the form and the API."""

from __future__ import annotations

from forum_mgmt.registration.schemas import RegistrationIn
from forum_mgmt.registration.tables import Registration


def person(n: int = 1, **fields) -> RegistrationIn:
    return RegistrationIn(**body(n, **fields))


def body(n: int = 1, **fields) -> dict:
    data = {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "organization": "TFCF",
        "country": "TW",
        "consent": True,
    }
    data.update(fields)
    return data


async def statuses(forum) -> dict[str, str]:
    rows = await Registration.select(Registration.email, Registration.status).where(
        Registration.forum == forum.id
    )
    return {r["email"]: r["status"] for r in rows}
