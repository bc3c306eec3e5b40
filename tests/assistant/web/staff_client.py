"""Drive the staff area as a browser would: CSRF tokens from the pages, form posts."""

from __future__ import annotations

import re

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client, path: str = "/staff/login") -> str:
    response = client.get(path)
    match = TOKEN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def staff_login(client, email="lead@school.test", password="correct horse battery"):
    response = client.post("/staff/login", data={"email": email, "password": password, "csrf_token": csrf(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post(client, path: str, data: dict | None = None, **kwargs):
    """A form post with the session's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, "/staff/")}, **kwargs)
