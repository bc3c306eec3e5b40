"""The staff area: server-rendered pages for careers leads, SENCos, advocates and
administrators, on one blueprint ("staff", under /staff). Each route parses the request,
calls one core function, and renders or redirects.

    base.py        the blueprint, who may reach a page, the templates' labels
    home.py        log in and out; the home page's queue of sessions to review
    pupils.py      pupils: list, CSV import, a pupil's page and profile, export, erasure
    sessions.py    start a session; review its answers
    encounters.py  careers encounters and their photos
    documents.py   a pupil's documents; the Gatsby Benchmark records
    admin.py       groups, accounts, the audit log
"""

from assistant.web.staff import admin, documents, encounters, home, pupils, sessions
from assistant.web.staff.base import WHOLE_SCHOOL, bp, labels, login_required, roles_required

ROUTES = (admin, documents, encounters, home, pupils, sessions)  # each adds its routes to `bp`

__all__ = ["ROUTES", "WHOLE_SCHOOL", "bp", "labels", "login_required", "roles_required"]
