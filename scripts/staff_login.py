"""The staff login the measuring scripts use against a running web app (loopback)."""

from __future__ import annotations

import argparse
import os

import requests


def add_login_arguments(parser: argparse.ArgumentParser) -> None:
    """--base, --email and --password (or PUPIL_VOICE_PASSWORD)."""
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="careers@demo.school")
    parser.add_argument(
        "--password",
        default=os.environ.get("PUPIL_VOICE_PASSWORD"),
        required="PUPIL_VOICE_PASSWORD" not in os.environ,
        help="the account's password (or PUPIL_VOICE_PASSWORD)",
    )


def logged_in(args: argparse.Namespace) -> tuple[requests.Session, list[int]]:
    """A logged-in staff session and the ids of the pupils it sees."""
    staff = requests.Session()
    login = {"email": args.email, "password": args.password}
    staff.post(args.base + "/api/login", json=login, timeout=60).raise_for_status()
    return staff, [p["id"] for p in staff.get(args.base + "/api/pupils", timeout=60).json()["pupils"]]
