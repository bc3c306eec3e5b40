#!/usr/bin/env python3
"""Relayout Pupil Voice's flat assistant/ into sub-packages that read like the product (issue 14).

    .venv/bin/python tools/relayout.py . [--dry-run] [--diff]

A one-off tool, kept until the move is made (then deleted with it): tried on a copy of main,
it moved 57 modules and rewrote 135 files; the move waits for a full test run.

Run it from anywhere on Python 3.12+ (the project's .venv): it tokenizes Python 3.12 source,
f-strings included. Driven by one table (MOVES below), it
1. moves each module that exists with `git mv` (absent ones are skipped, moved ones left alone),
   and the tests named after it (tests/assistant/test_<old>*.py) into the mirrored folder;
2. creates the new packages' __init__.py (a docstring each; empty ones for tests);
3. rewrites every reference in tracked text files: imports (`from assistant import audit, staff`
   is split by new package), dotted names anywhere ("assistant.turns.take_turn" in mock.patch,
   monkeypatch, logs, `python -m`), module names used bare after a renamed import
   (`received.claim` -> `chat_requests.claim`, or an `as` alias when the bare name is also used
   otherwise), paths ("assistant/staff.py", ROOT / "assistant" / "demo.py"), and
   `Path(__file__).parents[N]` in files that moved to another depth;
4. rewrites the README's "Where things live" table, one row per folder (WHERE_THINGS_LIVE);
5. warns about top-level assistant/*.py modules and tests/assistant/test_*.py files the table
   does not name, so that new modules get a place.
It is idempotent: a second run finds nothing to move and nothing to rewrite. --dry-run prints
the plan and the files it would change, and changes nothing (--diff also prints the diffs).
It never commits: review with `git status` / `git diff --stat -M`, run the tests, commit.
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------------- the table

# (old module, new module). A new module equal to the old one stays where it is (named here so
# that no warning is given for it). Tests follow their module: tests/assistant/test_<old>.py
# and tests/assistant/test_<old>_<more>.py go to tests/assistant/<package>/test_<new>[_<more>].py.
MOVES: list[tuple[str, str]] = [
    # The conversations: plans of questions, the engine (pure), meaning, taking a turn.
    ("assistant.questions", "assistant.conversation.plans"),
    ("assistant.dialogue", "assistant.conversation.engine"),
    ("assistant.understanding", "assistant.conversation.understanding"),
    ("assistant.answer_patterns", "assistant.conversation.answer_patterns"),
    ("assistant.safeguarding", "assistant.conversation.safeguarding"),
    ("assistant.turns", "assistant.conversation.turns"),
    ("assistant.standins", "assistant.conversation.standins"),
    # The record: models, the database, one transaction per use case, migrations, Rasa's stores.
    ("assistant.models", "assistant.record.models"),
    ("assistant.db", "assistant.record.database"),
    ("assistant.unit_of_work", "assistant.record.unit_of_work"),
    ("assistant.migrate", "assistant.record.migrate"),
    ("assistant.rasa_stores", "assistant.record.rasa_stores"),
    # Services: one function per use case.
    ("assistant.schools", "assistant.services.schools"),
    ("assistant.school_settings", "assistant.services.school_settings"),
    ("assistant.school_exit", "assistant.services.school_exit"),
    ("assistant.staff", "assistant.services.accounts"),
    ("assistant.trust", "assistant.services.trust"),
    ("assistant.pupils", "assistant.services.pupils"),
    ("assistant.encounters", "assistant.services.encounters"),
    ("assistant.sessions", "assistant.services.sessions"),
    ("assistant.received", "assistant.services.chat_requests"),
    ("assistant.chat", "assistant.services.chat"),
    ("assistant.overview", "assistant.services.overview"),
    ("assistant.photos", "assistant.services.photos"),
    ("assistant.entries", "assistant.services.entries"),
    ("assistant.review", "assistant.services.review"),
    ("assistant.history", "assistant.services.history"),
    ("assistant.concerns", "assistant.services.concerns"),
    ("assistant.audit", "assistant.services.audit"),
    ("assistant.erasure", "assistant.services.erasure"),
    ("assistant.retention", "assistant.services.retention"),
    ("assistant.backup", "assistant.services.backup"),
    ("assistant.demo", "assistant.services.demo"),
    ("assistant.text", "assistant.services.text"),
    # Speech in and out together.
    ("assistant.speech_out", "assistant.speech.synthesis"),
    ("assistant.voice", "assistant.speech.my_voice"),
    # The action server's turn helpers no longer share a name with the core's turns.
    ("actions.turns", "actions.tracker"),
    # Stay at the top of assistant/: used by every layer.
    ("assistant.settings", "assistant.settings"),
    ("assistant.errors", "assistant.errors"),
    ("assistant.vocabulary", "assistant.vocabulary"),
    ("assistant.channel", "assistant.channel"),
    ("assistant.sandbox", "assistant.sandbox"),
    ("assistant.uploads", "assistant.uploads"),
]

# Tests whose place is not their module's name (old path -> new path; equal: stays).
TEST_MOVES: dict[str, str] = {
    "tests/assistant/test_people.py": "tests/assistant/services/test_people.py",
    "tests/assistant/test_schools_migration.py": "tests/assistant/record/test_schools_migration.py",
    "tests/assistant/test_trusts_migration.py": "tests/assistant/record/test_trusts_migration.py",
    "tests/assistant/test_concept_matcher.py": "tests/assistant/matcher/test_matcher.py",
    "tests/assistant/test_security.py": "tests/assistant/test_security.py",  # issue 10, every layer
}

# Names that moved before this script (references only; nothing is moved for them).
ALIASES: dict[str, str] = {
    "assistant.concept_matcher": "assistant.matcher",
}
PATH_ALIASES: dict[str, str] = {
    "assistant/concept_matcher.py": "assistant/matcher/",
    "tests/assistant/test_concept_matcher.py": "tests/assistant/matcher/test_matcher.py",
}

PACKAGE_DOCS: dict[str, str] = {
    "assistant/conversation": "The conversations: the plans of questions, the engine that runs them (pure: no\n"
                              "database, no Rasa, no Flask), what an answer means with its question in hand, words\n"
                              "that may disclose harm, and taking a turn (the engine's writes in one transaction).",
    "assistant/record": "The record: the models, the database and its sessions, one transaction per use case,\n"
                        "the Alembic glue, and where Rasa keeps its conversations and locks.",
    "assistant/services": "Services: one function per use case (accounts, schools, pupils, encounters, sessions,\n"
                          "review, history, concerns, audit, erasure, retention, backup, chat requests). Each\n"
                          "takes the acting member of staff and raises named domain errors; no Flask, no Rasa.",
}

# Files rewritten: tracked files under these folders or with these names, of these kinds.
SCOPE_DIRS = ("assistant", "actions", "tests", "scripts", "nlu_components", "migrations", "symbols",
              "bin", "docs", ".ci", "web_widget")
SCOPE_FILES = ("README.md", "alembic.ini", "pyproject.toml", "config.yml", "endpoints.yml",
               "credentials.yml", "domain.yml", "requirements-rasa.txt")
TEXT_SUFFIXES = (".py", ".md", ".ini", ".toml", ".yml", ".yaml", ".cfg", ".txt", ".sh", ".mako", ".html",
                 ".js", ".typ", "")

# --------------------------------------------------------------------------- README table

# One row per folder. "{files}" becomes the folder's modules that exist, with the notes below.
WHERE_THINGS_LIVE = """\
| Folder | What lives there |
| --- | --- |
| `bin/`, `.ci/` | The two commands and set-up: `bin/run`, `bin/test` (both environments), `bin/setup`, `bin/lock` (re-resolves both environments' pins); CI in `.ci/run` |
| (top level) | `pyproject.toml` and `constraints.txt` (`.venv`, Python 3.12: web app, action server, core); `requirements-rasa.txt` and `constraints-rasa.txt` (`.venv-rasa`, Python 3.10: Rasa only); `.python-version`; Rasa's `config.yml` (pipeline, policies), `domain.yml`, `credentials.yml`; `alembic.ini` |
| `assistant/` | The core, with what every layer uses at its top: {files}. `flask --app assistant` finds `create_app` in `__init__.py` |
| `assistant/conversation/` | The conversations (questions, check-back by choosing, recall, the final mat, fallback) and the engine that runs them, pure; what an answer means with its question in hand; taking a turn: {files} |
| `assistant/matcher/` | The concept matcher (pure Python, also imported by the Rasa component in `.venv-rasa`): {files}; word lists in `data/*.yml` |
| `assistant/record/` | The record: {files}; migrations in `migrations/` |
| `assistant/services/` | Services, one function per use case; schools as tenants (services filter by the acting staff member's school): {files} |
| `assistant/reports/` | Documents: review summary (HTML, tagged PDF/UA by Typst, A4 Word; Section A order), the pupil's own version, the one-page profile, Gatsby records: {files}; templates in `templates/` |
| `assistant/speech/` | Speech in and out: {files} |
| `assistant/web/` | The Flask edge (app factory `create_app` in `__init__.py`): {files}; templates in `templates/`, API description `openapi.yml` (served at `/api/openapi.json`) |
| `actions/` | The Rasa action server (thin): {files} |
| `nlu_components/` | The custom Rasa component (runs in `.venv-rasa`): {files} |
| `symbols/` | The symbol catalogue (`catalogue.yml` concepts, `keywords.yml` prompt words, `vocabulary.yml`) and pictures (`sets/openmoji/`, OpenMoji 17.0.0, CC BY-SA 4.0): {files}; a school's own sets in `instance/symbol_sets/<school id>/<name>/` |
| `data/` | Rasa's training data: intents by topic in `data/nlu/<topic>.yml` (generated by `scripts/generate_nlu_data.py`), `data/rules/`, `data/stories/` |
| `migrations/` | Alembic migrations (SQLite and PostgreSQL) |
| `scripts/` | Processes under supervisord and gunicorn (`supervise.py`), the Rasa model (`train_model.py`), NLU data and symbols (`generate_nlu_data.py`, `curate_symbols.py`), load tests and benchmarks (`load_tablets.py`, `load_many_servers.py`, `bench_*.py`, `score_*.py`; figures in `docs/benchmarks.md`) |
| `web_widget/` | The tablet page and the staff pages' scripts |
| `tests/` | Mirrors the code (`tests/assistant/<folder>/`); Rasa test stories in `tests/rasa/`; held-out sets in `tests/data/`; the real stack, faults and browsers (Playwright, axe-core) in `tests/e2e/`; who may reach which route in `tests/assistant/web/test_permissions.py` |
| `docs/` | `deploy.md` (one school, many schools, sizes), `security.md` (threat model, what a data-protection officer needs), `benchmarks.md` (figures and how they were measured) |
"""

# Short notes after a module's name in the table (a module without one is listed by name).
NOTES: dict[str, str] = {
    "assistant/settings.py": "settings",
    "assistant/errors.py": "domain errors",
    "assistant/vocabulary.py": "one vocabulary: enums, labels, special cards",
    "assistant/channel.py": "the web app's signature on what it sends to Rasa, checked by the actions",
    "assistant/sandbox.py": "untrusted files parsed in worker processes",
    "assistant/uploads.py": "pupil CSV and photos",
    "assistant/conversation/plans.py": "the plans of questions and their wording",
    "assistant/conversation/engine.py": "the engine",
    "assistant/conversation/understanding.py": "meaning",
    "assistant/conversation/safeguarding.py": "words that may disclose harm",
    "assistant/conversation/answer_patterns.py": "patterns in how answers were given",
    "assistant/conversation/turns.py": "a turn in one transaction",
    "assistant/matcher/concepts.py": "`ConceptMatcher`",
    "assistant/matcher/rules.py": "the annotation conventions, a function each",
    "assistant/record/models.py": "models",
    "assistant/record/database.py": "engine and sessions",
    "assistant/record/rasa_stores.py": "Rasa's tracker and lock stores, written to `instance/endpoints-PORT.yml` when Rasa starts",
    "assistant/services/accounts.py": "staff accounts, passwords, staff sessions",
    "assistant/services/chat_requests.py": "each tablet message recorded once, through faults",
    "assistant/services/chat.py": "a tablet message passed to Rasa: checked, claimed, kept on a fault",
    "assistant/services/overview.py": "the pupil page, the profile form",
    "assistant/services/photos.py": "an encounter's photo",
    "assistant/services/school_exit.py": "a leaving school's export and erasure",
    "assistant/services/school_settings.py": "a school's own settings, else the server's",
    "assistant/services/trust.py": "a trust's figures across its schools, no pupil",
    "assistant/conversation/standins.py": "names go through Rasa as stand-ins",
    "assistant/services/concerns.py": "for the safeguarding lead only",
    "assistant/services/audit.py": "the audit log",
    "assistant/services/text.py": "names and titles cleaned of bidi controls",
    "assistant/services/demo.py": "demo data",
    "assistant/services/review.py": "the review queue, confirm-all and its undo",
    "assistant/speech/synthesis.py": "speech out: pyttsx3 in a worker process",
    "assistant/speech/my_voice.py": "\"My voice\": consent, enrolment, learning from taps",
    "assistant/speech/recogniser.py": "speech in, offline",
    "assistant/speech/templates.py": "a pupil's own templates, MFCC + DTW",
    "assistant/speech/audio.py": "header checks",
    "assistant/web/api.py": "chat API",
    "assistant/web/staff.py": "staff area",
    "assistant/web/speech.py": "speech out",
    "assistant/web/listen.py": "speech in",
    "assistant/web/voice.py": "\"My voice\" enrolment",
    "assistant/web/security.py": "security headers, cookies, rate limits",
    "assistant/web/limits.py": "body size per route, deep JSON, ids",
    "assistant/reports/one_page.py": "one-page profile",
    "assistant/reports/typst_pdf.py": "summary PDF",
    "assistant/reports/pdf.py": "other PDFs, WeasyPrint",
    "actions/conversation.py": "the actions",
    "actions/tracker.py": "a turn read from the tracker, played, replies sent",
    "nlu_components/concept_normaliser.py": "concept normaliser, calls the matcher",
    "nlu_components/rasa_speedups.py": "Rasa's action response check built once",
    "symbols/catalogue.py": "loader",
    "symbols/sets.py": "picture sets",
}

# --------------------------------------------------------------------------- plan


@dataclass
class Move:
    old: str  # path, relative to the checkout
    new: str


def module_path(module: str) -> str:
    return module.replace(".", "/") + ".py"


def path_module(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr)


def plan(root: Path) -> tuple[list[Move], list[Move]]:
    """The moves to make now and every move of the table in effect (made now or earlier)."""
    todo: list[Move] = []
    done: list[Move] = []
    claimed: set[str] = set()

    def consider(old: str, new: str) -> None:
        claimed.add(old)
        if old == new:
            return
        if (root / old).exists() and (root / new).exists():
            warn(f"both {old} and {new} exist: left alone, references not rewritten")
        elif (root / old).exists():
            todo.append(Move(old, new))
        elif (root / new).exists():
            done.append(Move(old, new))

    for old_mod, new_mod in MOVES:
        old, new = module_path(old_mod), module_path(new_mod)
        consider(old, new)
        test_dir = Path("tests") / Path(old).parent
        old_base, new_base = Path(old).stem, Path(new).stem
        new_test_dir = Path("tests") / Path(new).parent
        candidates = sorted({*(root / test_dir).glob(f"test_{old_base}.py"),
                             *(root / test_dir).glob(f"test_{old_base}_*.py")})
        for test in candidates:
            rel = test.relative_to(root).as_posix()
            if rel in TEST_MOVES:
                continue
            suffix = test.stem.removeprefix(f"test_{old_base}")
            consider(rel, (new_test_dir / f"test_{new_base}{suffix}.py").as_posix())
        # Tests moved earlier: seen from the other side, so that references are still rewritten.
        if old != new:
            for test in sorted((root / new_test_dir).glob(f"test_{new_base}*.py")):
                suffix = test.stem.removeprefix(f"test_{new_base}")
                old_test = (test_dir / f"test_{old_base}{suffix}.py").as_posix()
                if old_test not in claimed and old_test not in TEST_MOVES and not (root / old_test).exists():
                    claimed.add(old_test)
                    done.append(Move(old_test, test.relative_to(root).as_posix()))
    for old, new in TEST_MOVES.items():
        consider(old, new)

    # What the table does not name.
    named = {module_path(old) for old, _ in MOVES} | {module_path(new) for _, new in MOVES}
    for path in sorted((root / "assistant").glob("*.py")):
        rel = path.relative_to(root).as_posix()
        if path.name != "__init__.py" and rel not in named:
            warn(f"{rel} is not in the table (MOVES): it stays at the top of assistant/")
    moved_tests = claimed | {m.new for m in done} | set(TEST_MOVES)
    for path in sorted((root / "tests" / "assistant").glob("test_*.py")):
        rel = path.relative_to(root).as_posix()
        if rel not in moved_tests:
            warn(f"{rel} follows no module of the table: it stays in tests/assistant/")
    return todo, done


# --------------------------------------------------------------------------- rewriting

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
FROM_IMPORT = re.compile(
    rf"^(?P<indent>[ \t]*)from[ \t]+(?P<package>{IDENT}(?:\.{IDENT})*)[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n]*?)(?P<comment>[ \t]*#[^\n]*)?$", re.M)


class Rewriter:
    """Every rewrite of text, built from the moves in effect."""

    def __init__(self, moves: list[Move], root: Path):
        # Earlier moves count only once made (assistant/matcher/ exists).
        self.modules: dict[str, str] = {old: new for old, new in ALIASES.items()
                                         if (root / new.replace(".", "/")).is_dir()
                                         or (root / module_path(new)).is_file()}
        self.paths: dict[str, str] = {old: new for old, new in PATH_ALIASES.items() if (root / new).exists()}
        for move in moves:
            if move.old.endswith(".py") and move.new.endswith(".py"):
                self.modules[path_module(move.old)] = path_module(move.new)
            self.paths[move.old] = move.new
        # Longest first, so that a name is never rewritten by a shorter one's rule.
        names = sorted(self.modules, key=len, reverse=True)
        self.dotted = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?![\w])") if names else None
        paths = sorted(self.paths, key=len, reverse=True)
        self.slashed = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, paths)) + r")(?![\w])") if paths else None
        self.joined = []  # ROOT / "assistant" / "demo.py"
        for old, new in self.paths.items():
            parts = old.split("/")
            if len(parts) >= 2 and old.endswith(".py"):
                pattern = r"\s*/\s*".join(f'"{re.escape(p)}"' for p in parts)
                self.joined.append((re.compile(pattern), " / ".join(f'"{p}"' for p in new.split("/"))))

    # ----------------------------------------------------------------- python imports

    def split_from_imports(self, text: str, renamed_bare: dict[str, str]) -> str:
        """`from assistant import audit, staff` -> one import per new package; a renamed
        module keeps its old name as an alias unless renamed_bare says its uses are renamed."""
        def rebuild(m: re.Match) -> str:
            package = m["package"]
            raw = m["names"].strip()
            inner = raw[1:-1] if raw.startswith("(") else raw
            inner = re.sub(r"#[^\n]*", "", inner)
            items = [i.strip() for i in inner.replace("\\\n", " ").split(",") if i.strip()]
            if not any(f"{package}.{i.split()[0]}" in self.modules for i in items):
                return m[0]
            groups: dict[str, list[str]] = {}
            for item in items:
                parts = item.split()
                name, alias = parts[0], (parts[2] if len(parts) == 3 and parts[1] == "as" else None)
                target = self.modules.get(f"{package}.{name}")
                if target is None:
                    groups.setdefault(package, []).append(item)
                    continue
                new_package, new_name = target.rsplit(".", 1)
                if alias is None and new_name != name and renamed_bare.get(name) != new_name:
                    alias = name
                groups.setdefault(new_package, []).append(new_name + (f" as {alias}" if alias and alias != new_name else ""))
            lines = [f"{m['indent']}from {pkg} import {', '.join(names)}" for pkg, names in groups.items()]
            lines[0] += m["comment"] or ""
            return "\n".join(lines)
        return FROM_IMPORT.sub(rebuild, text)

    def bare_renames(self, text: str) -> dict[str, str]:
        """Modules imported bare (`from assistant import received`) whose new name differs, and
        whose every use in the file is `name.attribute`: those uses can be renamed."""
        wanted: dict[str, str] = {}
        for m in FROM_IMPORT.finditer(text):
            raw = re.sub(r"#[^\n]*", "", m["names"].strip().strip("()"))
            for item in raw.split(","):
                parts = item.split()
                if len(parts) == 1:
                    target = self.modules.get(f"{m['package']}.{parts[0]}")
                    if target and target.rsplit(".", 1)[1] != parts[0]:
                        wanted[parts[0]] = target.rsplit(".", 1)[1]
        if not wanted:
            return {}
        safe = dict(wanted)
        try:
            uses = list(self._name_tokens(text, set(wanted)))
        except (tokenize.TokenError, SyntaxError) as error:
            warn(f"cannot tokenize a file importing {sorted(wanted)} ({error}): kept as aliases")
            return {}
        for tokens, index in uses:
            tok = tokens[index]
            before = tokens[index - 1] if index else None
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if before is not None and before.string == ".":
                continue  # someone.else.received: not the module
            if after is None or after.string != ".":
                safe.pop(tok.string, None)  # used otherwise (a variable, a keyword argument)
        # A file that already uses the new name for something else keeps the alias.
        for old, new in list(safe.items()):
            if re.search(rf"(?<![\w.]){re.escape(new)}\b", text):
                safe.pop(old)
        return safe

    @staticmethod
    def _name_tokens(text: str, names: set[str]):
        """(tokens of a logical line, index) of each NAME in names outside import statements."""
        line: list[tokenize.TokenInfo] = []
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                yield from Rewriter._names_in(line, names)
                line = []
            elif tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                line.append(tok)
        yield from Rewriter._names_in(line, names)

    @staticmethod
    def _names_in(line, names):
        code = [t for t in line if t.type != tokenize.STRING]
        if code and code[0].string in ("from", "import"):
            return
        for index, tok in enumerate(line):
            if tok.type == tokenize.NAME and tok.string in names:
                yield line, index

    def rename_bare_uses(self, text: str, renames: dict[str, str]) -> str:
        """received.claim -> chat_requests.claim, for the names bare_renames found safe."""
        if not renames:
            return text
        edits = []
        for tokens, index in self._name_tokens(text, set(renames)):
            tok = tokens[index]
            if index and tokens[index - 1].string == ".":
                continue
            edits.append((tok.start, tok.end, renames[tok.string]))
        lines = text.splitlines(keepends=True)
        for (row, col), (_, end), new in sorted(edits, reverse=True):
            line = lines[row - 1]
            lines[row - 1] = line[:col] + new + line[end:]
        return "".join(lines)

    def _realign(self, m: re.Match) -> str:
        """A parenthesised import over several lines whose module is renamed: its continuation
        lines, aligned under the parenthesis, stay aligned."""
        statement = m[0]
        if not m["names"].startswith("(") or "\n" not in m["names"]:
            return statement
        new_package = self.dotted.sub(lambda d: self.modules[d[1]], m["package"])
        old_col = len(m["indent"]) + len(f"from {m['package']} import (")
        new_col = len(m["indent"]) + len(f"from {new_package} import (")
        if old_col == new_col:
            return statement
        lines = statement.split("\n")
        for k in range(1, len(lines)):
            if re.match(rf" {{{old_col}}}\S", lines[k]):
                lines[k] = " " * new_col + lines[k][old_col:]
        return "\n".join(lines)

    # ----------------------------------------------------------------- any text

    def rewrite(self, text: str, is_python: bool) -> str:
        if is_python:
            renames = self.bare_renames(text)
            text = self.rename_bare_uses(text, renames)
            text = self.split_from_imports(text, renames)
        if self.dotted:
            if is_python:
                text = FROM_IMPORT.sub(self._realign, text)
            text = self.dotted.sub(lambda m: self.modules[m[1]], text)
        if self.slashed:
            text = self.slashed.sub(lambda m: self.paths[m[1]], text)
        for pattern, replacement in self.joined:
            text = pattern.sub(replacement, text)
        return text


def adjust_depth(text: str, old: str, new: str) -> str:
    """Path(__file__)...parents[N] in a file that moved deeper (or shallower)."""
    delta = new.count("/") - old.count("/")
    if not delta:
        return text
    text = re.sub(r"(Path\(__file__\)(?:\.resolve\(\))?\.parents\[)(\d+)(\])",
                  lambda m: f"{m[1]}{int(m[2]) + delta}{m[3]}", text)
    for line in text.splitlines():
        if "__file__" in line and ".parents[" not in line and ".with_name(" not in line:
            warn(f"{new}: check this use of __file__ after the move: {line.strip()}")
    return text


# --------------------------------------------------------------------------- README


def where_things_live(root: Path) -> str:
    """The table, with each folder's modules as they are in the checkout."""
    def files(folder: str) -> str:
        names = []
        for path in sorted((root / folder).glob("*.py")):
            if path.name in ("__init__.py", "__main__.py", "conftest.py"):
                continue
            rel = path.relative_to(root).as_posix()
            note = NOTES.get(rel)
            names.append(f"`{path.name}`" + (f" ({note})" if note else ""))
        return ", ".join(names) or "(none)"

    rows = []
    for line in WHERE_THINGS_LIVE.splitlines():
        m = re.match(r"\| `([\w/]+)/`", line)
        if "{files}" in line and m:
            line = line.replace("{files}", files(m[1]))
        rows.append(line)
    return "\n".join(rows) + "\n"


def splice_readme(text: str, table: str) -> str:
    """Replace what is under "## Where things live" up to the next heading."""
    m = re.search(r"^## Where things live\n\n(.*?)(?=^## )", text, re.M | re.S)
    if not m:
        warn("README.md has no \"## Where things live\" section: table not written")
        return text
    return text[:m.start(1)] + table + "\n" + text[m.end(1):]


# --------------------------------------------------------------------------- main


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def in_scope(path: str) -> bool:
    top = path.split("/", 1)[0]
    if path in SCOPE_FILES or (top in SCOPE_DIRS and "/" in path):
        name = path.rsplit("/", 1)[-1]
        suffix = "." + name.rsplit(".", 1)[1] if "." in name else ""
        return suffix in TEXT_SUFFIXES and "/sets/" not in path
    return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="the git checkout to relayout")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument("--diff", action="store_true", help="with --dry-run: print the diffs")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 12):
        raise SystemExit("run on Python 3.12+ (the project's .venv): it tokenizes 3.12 source")
    root = args.checkout.resolve()
    if not (root / "assistant" / "__init__.py").is_file():
        raise SystemExit(f"{root} is not a Pupil Voice checkout")
    dry = args.dry_run

    todo, done = plan(root)
    rewriter = Rewriter(todo + done, root)
    moved_to = {m.old: m.new for m in todo}

    # 1. Packages, then moves.
    new_packages = sorted({str(Path(m.new).parent) for m in todo + done})
    for package in new_packages:
        init = root / package / "__init__.py"
        if not init.exists():
            print(f"create {package}/__init__.py")
            if not dry:
                init.parent.mkdir(parents=True, exist_ok=True)
                doc = PACKAGE_DOCS.get(package)
                init.write_text(f'"""{doc}\n"""\n' if doc else "", encoding="utf-8")
                git(root, "add", str(init.relative_to(root)))
    for move in todo:
        print(f"git mv {move.old} {move.new}")
        if not dry:
            git(root, "mv", move.old, move.new)
    if not todo:
        print("nothing to move")

    # 2. References in every tracked text file in scope.
    files = [f for f in git(root, "ls-files").splitlines() if in_scope(f)]
    if dry:  # files as they will be named
        files = [moved_to.get(f, f) for f in files]
    changed = 0
    back = {new: old for old, new in moved_to.items()}
    for rel in sorted(set(files)):
        source = root / (back.get(rel, rel) if dry else rel)
        if not source.is_file():
            continue
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new_text = rewriter.rewrite(text, rel.endswith(".py"))
        if rel in back:
            new_text = adjust_depth(new_text, back[rel], rel)
        if rel == "README.md":
            new_text = splice_readme(new_text, where_things_live(root) if not dry else WHERE_THINGS_LIVE)
        if new_text != text:
            changed += 1
            print(f"rewrite {rel}")
            if dry and args.diff:
                sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True),
                                                           f"a/{rel}", f"b/{rel}"))
            if not dry:
                (root / rel).write_text(new_text, encoding="utf-8")
    print(f"{len(todo)} moved, {changed} files {'to rewrite' if dry else 'rewritten'}"
          + (" (dry run: nothing changed)" if dry else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
