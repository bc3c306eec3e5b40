"""Symbol sets: folders of pictures named by symbol id, each with its licence and version.

The default set, OpenMoji (symbols/sets/openmoji/), ships with the project and has a
picture for every symbol id the assistant uses; every school shares it. A school adds its
own licensed set (Widgit, PCS, ARASAAC, photos) by dropping a folder into
<instance>/symbol_sets/<school id>/<name>/ (seen only by that school's staff and tablets):

    set.yml      title, version, licence, licence_url, attribution, url, source, changes
                 (all shown on /symbols/about)
    mapping.yml  symbol id -> image file in that folder (cooking: cooking.png); optional
                 for files already named <symbol id>.<svg|png|jpg|jpeg|webp>
    images       .svg, .png, .jpg, .jpeg or .webp

A school set need not be complete: a symbol it lacks comes from the default set, and
`resolve` says which set answered, so the record can keep the set and its version.
Pure Python (no Flask): the web app, exports and reports share it.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SETS_DIR = Path(__file__).with_name("sets")
DEFAULT_SET = "openmoji"
INSTANCE_SUBDIR = "symbol_sets"

SYMBOL_ID_RE = re.compile(r"[a-z0-9_]{1,64}")
SET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
log = logging.getLogger(__name__)
INFO_KEYS = ("title", "version", "licence", "licence_url", "attribution", "url", "source", "changes")


class UnknownSymbolSet(LookupError):
    """No symbol set of that name."""


def is_symbol_id(value: object) -> bool:
    """True for a well-formed symbol id ([a-z0-9_]+), the only kind ever looked up on disk."""
    return isinstance(value, str) and SYMBOL_ID_RE.fullmatch(value) is not None


def is_set_name(value: object) -> bool:
    """True for a well-formed set name (a folder name: lower case, digits, _ and -)."""
    return isinstance(value, str) and SET_NAME_RE.fullmatch(value) is not None


def media_type(path: Path) -> str:
    """The content type of a symbol image, from its suffix."""
    return MEDIA_TYPES[path.suffix.lower()]


@dataclass(frozen=True)
class SymbolSet:
    """One folder of pictures: its name, details for the credits, and symbol id -> file."""

    name: str
    folder: Path
    info: dict
    mapping: dict[str, str] = field(default_factory=dict)

    def path(self, symbol_id: str) -> Path | None:
        """The image for a symbol id, or None; never a file outside the folder."""
        if not is_symbol_id(symbol_id):
            return None
        names = (
            [self.mapping[symbol_id]] if symbol_id in self.mapping else [symbol_id + suffix for suffix in MEDIA_TYPES]
        )
        root = self.folder.resolve()
        for name in names:
            candidate = (root / name).resolve()
            if candidate.suffix.lower() in MEDIA_TYPES and candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


class SymbolSets:
    """The default set plus any school sets under `extra_dir` (<instance>/symbol_sets).

    Cheap to build (one per request is fine): each set's YAML is read once and re-read
    only when its files change, so a school can add a set without a restart.
    """

    def __init__(self, extra_dir: str | Path | None = None, default_dir: str | Path | None = None):
        self.extra_dir = Path(extra_dir) if extra_dir else None
        self.default_dir = Path(default_dir) if default_dir else SETS_DIR / DEFAULT_SET

    @classmethod
    def for_school(cls, root: str | Path | None, school_id: int | None) -> SymbolSets:
        """The default set plus one school's own sets, in <root>/<school id> (root is
        <instance>/symbol_sets); no school or no root (None): the default set alone."""
        if school_id is None or root is None:
            return cls(None)
        return cls(school_sets_dir(root, school_id))

    def names(self) -> list[str]:
        """The default set first, then the school sets by name."""
        extra = []
        if self.extra_dir and self.extra_dir.is_dir():
            extra = sorted(
                p.name for p in self.extra_dir.iterdir() if p.is_dir() and is_set_name(p.name) and p.name != DEFAULT_SET
            )
        return [DEFAULT_SET, *extra]

    def get(self, name: str) -> SymbolSet:
        """The set of that name; UnknownSymbolSet if there is none."""
        if name == DEFAULT_SET:
            folder = self.default_dir
        elif is_set_name(name) and self.extra_dir and (self.extra_dir / name).is_dir():
            folder = self.extra_dir / name
        else:
            raise UnknownSymbolSet(name)
        return _load_set(name, str(folder), _stamp(folder))

    def info(self, name: str) -> dict:
        """name, title, version, licence, attribution and url of a set (for credits and records)."""
        return {"name": name, **self.get(name).info}

    def resolve(self, set_name: str, symbol_id: str) -> tuple[str, Path] | None:
        """(the set that has it, the image path) for a symbol, or None for an unknown id.

        A set that is unknown or lacks the symbol falls back to the default set.
        """
        if not is_symbol_id(symbol_id):
            return None
        if set_name != DEFAULT_SET:
            try:
                path = self.get(set_name).path(symbol_id)
            except UnknownSymbolSet:
                path = None
            if path:
                return set_name, path
        path = self.get(DEFAULT_SET).path(symbol_id)
        return (DEFAULT_SET, path) if path else None


def _stamp(folder: Path) -> tuple:
    """What changes when a set's details or mapping change (their modification times)."""
    out = []
    for name in ("set.yml", "mapping.yml"):
        try:
            out.append((folder / name).stat().st_mtime_ns)
        except OSError:
            out.append(None)
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _load_set(name: str, folder: str, stamp: tuple) -> SymbolSet:
    path = Path(folder)
    details = _read_yaml(path / "set.yml")
    info = {key: str(details[key]) if details.get(key) is not None else "" for key in INFO_KEYS}
    info["title"] = info["title"] or name
    info["licence"] = info["licence"] or "Not stated"
    mapping = {}
    for key, file in _read_yaml(path / "mapping.yml").items():
        if isinstance(key, bool):  # YAML reads a bare yes/no as true/false
            key = "yes" if key else "no"
        if is_symbol_id(str(key)) and file:
            mapping[str(key)] = str(file)
    return SymbolSet(name=name, folder=path, info=info, mapping=mapping)


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def school_sets_dir(root: str | Path, school_id: int) -> Path:
    """Where one school's own sets live: <root>/<school id> (root is <instance>/symbol_sets)."""
    return Path(root) / str(int(school_id))


def _is_school_folder(folder: Path) -> bool:
    """A school's folder (even of a school since erased) is named by its id and holds only
    sets (folders); a set holds its pictures and YAML."""
    return folder.name.isdigit() and not any(p.is_file() for p in folder.iterdir())


def move_server_wide_sets(root: str | Path, first_school_id: int) -> list[str]:
    """Upgrade: the sets of a single-school install, once straight under <root>, move under
    the first school (<root>/<first school id>/<name>), so its pupils keep their pictures.
    Idempotent; a set whose new place is taken stays where it is (logged). Returns the
    names moved."""
    root = Path(root)
    if not root.is_dir():
        return []
    target = school_sets_dir(root, first_school_id)
    # Decided before anything moves: the first school's folder is made on the way.
    legacy = [
        p
        for p in sorted(root.iterdir())
        if p.is_dir() and not p.is_symlink() and is_set_name(p.name) and not _is_school_folder(p)
    ]
    moved = []
    for folder in legacy:
        name = folder.name
        if folder == target:  # a set named like the first school's id: out of the way first
            folder = folder.rename(root / f".moving-{name}")
        destination = target / name
        if destination.exists():
            log.warning("symbol set %s not moved: %s already exists", name, destination)
            continue
        target.mkdir(mode=0o700, exist_ok=True)
        shutil.move(str(folder), str(destination))
        moved.append(name)
    return moved
