"""The blank spaCy pipeline builder: builds once, lemmatises offline."""

from nlu_components.build_spacy_pipeline import build, built_version


def test_build_is_idempotent_and_lemmatises(tmp_path):
    import spacy

    out = tmp_path / "en_test"
    assert build(out).startswith("built")
    assert built_version(out) == spacy.__version__
    assert build(out).startswith("unchanged")
    nlp = spacy.load(out)
    assert [t.lemma_ for t in nlp("she was cooking")][-1] == "cook"
    assert nlp.vocab.vectors.shape[0] == 0  # no vectors: SpacyFeaturizer would be useless
