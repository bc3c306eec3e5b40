"""Build the blank English spaCy pipeline that Rasa's SpacyNLP loads.

    python -m nlu_components.build_spacy_pipeline [--out DIR] [--force]

The pipeline is spaCy's English tokenizer plus a lookup lemmatizer whose tables come
from the spacy-lookups-data package (nothing is downloaded, no third-party model, no
vectors). It is saved to build/spacy/en_pupil_voice, the path config.yml gives SpacyNLP.
Running it again does nothing when a pipeline built by the same spaCy version is there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_OUT = Path("build/spacy/en_pupil_voice")
PIPELINE_NAME = "pupil_voice"


def built_version(out: Path) -> str | None:
    """The spaCy version recorded in an existing pipeline's meta.json, or None."""
    meta = out / "meta.json"
    if not meta.is_file():
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("pupil_voice_built_with")


def make_pipeline():
    """A blank English pipeline with a lookup lemmatizer, its tables loaded in memory."""
    import spacy  # imported here so the module can be inspected without spaCy loaded

    nlp = spacy.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() loads the lookup tables from spacy-lookups-data (an installed package).
    nlp.initialize()
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = (
        "Blank English tokenizer with a lookup lemmatizer "
        "(spacy-lookups-data); built by nlu_components.build_spacy_pipeline"
    )
    nlp.meta["pupil_voice_built_with"] = spacy.__version__
    assert lemmatizer.lookups.has_table("lemma_lookup")
    return nlp


def build(out: Path = DEFAULT_OUT, force: bool = False) -> str:
    """Build the pipeline into `out` unless it is already there; return what was done."""
    import spacy

    out = Path(out)
    have = built_version(out)
    if have == spacy.__version__ and not force:
        return f"unchanged: {out} already built with spaCy {have}"
    nlp = make_pipeline()
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    why = "rebuilt (forced)" if force and have else (f"rebuilt (was spaCy {have})" if have else "built")
    return f"{why}: {out} with spaCy {spacy.__version__} (tokenizer + lookup lemmatizer)"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="target folder (default %(default)s)")
    ap.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = ap.parse_args(argv)
    print(build(args.out, args.force))
    return 0


if __name__ == "__main__":
    sys.exit(main())
