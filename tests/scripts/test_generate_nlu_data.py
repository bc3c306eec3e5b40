"""The NLU data under data/nlu/ is what scripts/generate_nlu_data.py makes: regenerated
into a temporary folder, every file matches the one checked in, and none is missing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from scripts.generate_nlu_data import HEADER, ROOT, main

CHECKED_IN = ROOT / "data" / "nlu"


def differences(regenerated: Path, checked_in: Path) -> list[str]:
    """Each generated file that is missing, extra or different, with the start of its diff."""
    made = {p.name: p.read_text(encoding="utf-8") for p in regenerated.glob("*.yml")}
    kept = {p.name: p.read_text(encoding="utf-8") for p in checked_in.glob("*.yml")}
    kept = {name: text for name, text in kept.items() if text.startswith(HEADER)}
    found = [f"{name}: not checked in" for name in sorted(made.keys() - kept.keys())]
    found += [f"{name}: no longer generated" for name in sorted(kept.keys() - made.keys())]
    for name in sorted(made.keys() & kept.keys()):
        if made[name] != kept[name]:
            diff = difflib.unified_diff(
                kept[name].splitlines(True), made[name].splitlines(True), f"data/nlu/{name}", "regenerated"
            )
            found.append(f"{name}: differs\n" + "".join(list(diff)[:30]))
    return found


def regenerate(out: Path, capsys) -> Path:
    assert main(["--out", str(out)]) == 0  # the defaults the checked-in files were made with
    capsys.readouterr()
    assert list(out.glob("*.yml")), "the generator wrote nothing"
    return out


def test_generated_nlu_data_matches_its_generator(tmp_path, capsys):
    found = differences(regenerate(tmp_path / "made", capsys), CHECKED_IN)
    assert not found, (
        "data/nlu/ differs from scripts/generate_nlu_data.py; edit the templates "
        "there and run it again:\n" + "\n".join(found)
    )


def test_an_edited_or_missing_file_is_a_difference(tmp_path, capsys):
    made = regenerate(tmp_path / "made", capsys)
    kept = Path(shutil.copytree(CHECKED_IN, tmp_path / "kept"))
    first, second = sorted(p.name for p in made.glob("*.yml"))[:2]
    with (kept / first).open("a", encoding="utf-8") as file:
        file.write("    - an example typed by hand\n")
    (kept / second).unlink()
    found = differences(made, kept)
    assert [line.split("\n")[0] for line in found] == [f"{second}: not checked in", f"{first}: differs"]
    assert "+    - an example typed by hand" not in found[1] and "-    - an example typed by hand" in found[1]
