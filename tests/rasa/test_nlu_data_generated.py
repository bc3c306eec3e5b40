"""The NLU training data in data/nlu/ is generated: it must be exactly what its generator
writes, so a hand edit (which the next regeneration would silently undo) fails here."""

from __future__ import annotations

from scripts.generate_nlu_data import ROOT, main


def test_the_nlu_data_is_what_the_generator_writes(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    checked_in = sorted(p.name for p in (ROOT / "data" / "nlu").glob("*.yml"))
    assert sorted(p.name for p in tmp_path.glob("*.yml")) == checked_in
    for name in checked_in:
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / "data" / "nlu" / name).read_text(
            encoding="utf-8"
        ), f"data/nlu/{name} was edited by hand"
