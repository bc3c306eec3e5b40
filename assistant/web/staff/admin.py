"""Staff pages for running the school's account: groups, accounts and the audit log."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from assistant.errors import InvalidInput
from assistant.services.accounts import accounts_overview, create_staff, groups_overview
from assistant.services.audit import audit_trail
from assistant.services.pupils import create_group
from assistant.vocabulary import ROLES
from assistant.web.auth import current_staff
from assistant.web.staff.base import WHOLE_SCHOOL, bp, number, roles_required
from assistant.web.store import get_db


@bp.route("/groups", methods=["GET", "POST"])
@roles_required(*WHOLE_SCHOOL)
def groups():
    staff = current_staff()
    if request.method == "POST":
        create_group(
            get_db(),
            request.form.get("name", ""),
            [number(i) for i in request.form.getlist("staff_ids")],
            school_id=staff.school_id,
        )
        flash("Group created.", "ok")
        return redirect(url_for("staff.groups"))
    found, members, advocates = groups_overview(get_db(), staff)
    return render_template("staff/groups.html", groups=found, members=members, advocates=advocates)


@bp.route("/accounts", methods=["GET", "POST"])
@roles_required("admin")
def accounts():
    staff = current_staff()
    if request.method == "POST":
        form = request.form
        if form.get("role") not in ROLES:
            raise InvalidInput("Choose a role.")
        create_staff(
            get_db(),
            form.get("email", ""),
            form.get("display_name", ""),
            form["role"],
            form.get("password", ""),
            form.getlist("groups"),
            must_change_password=True,
            school_id=staff.school_id,
        )
        flash("Account created.", "ok")
        return redirect(url_for("staff.accounts"))
    people, school_groups = accounts_overview(get_db(), staff)
    return render_template("staff/accounts.html", people=people, groups=school_groups)


@bp.get("/audit")
@roles_required("admin")
def audit_log():
    events, names = audit_trail(get_db(), current_staff())
    return render_template("staff/audit.html", events=events, names=names)
