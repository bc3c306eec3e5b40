"""The tablet page takes its provenance choices and ended statuses from the vocabulary."""

from __future__ import annotations

import re

from assistant.vocabulary import ENDED_STATUSES, PROVENANCE_TABLET_LABELS


def test_the_tablet_page_offers_the_vocabularys_provenances(client):
    page = client.get("/tablet").get_data(as_text=True)
    radios = re.findall(r'<input type="radio" name="provenance" value="([a-z_]+)"( checked)?> ([^<]+)</label>', page)
    assert [(value, label.strip()) for value, _, label in radios] == list(PROVENANCE_TABLET_LABELS.items())
    assert [value for value, checked, _ in radios if checked] == ["independent"]
    assert f'data-ended="{" ".join(ENDED_STATUSES)}"' in page and 'data-provenance="independent"' in page
    assert "{{" not in page and "{%" not in page
