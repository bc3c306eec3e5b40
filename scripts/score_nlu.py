"""Score a running Rasa server's NLU on a set of items (tests/data/nlu_heldout.yml form).

    python -m scripts.score_nlu tests/data/nlu_heldout.yml --url http://127.0.0.1:5005 --token TOKEN

Each item is {text, intent, entities: [{entity, value}]}; intent null items count for
entities only. Reports intent accuracy and entity precision, recall and F1 over
(entity, value) pairs, from POST /model/parse.
"""

from __future__ import annotations

import argparse

import requests
import yaml


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("items")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--token", default="")
    args = parser.parse_args(argv)
    items = yaml.safe_load(open(args.items, encoding="utf-8"))
    right = counted = tp = fp = fn = 0
    misses = []
    for item in items:
        parsed = requests.post(
            f"{args.url}/model/parse", params={"token": args.token}, json={"text": item["text"]}, timeout=30
        ).json()
        if item.get("intent"):
            counted += 1
            if parsed["intent"]["name"] == item["intent"]:
                right += 1
            else:
                misses.append(f"{item['text']!r}: intent {parsed['intent']['name']}, not {item['intent']}")
        want = {(e["entity"], e["value"]) for e in item.get("entities") or []}
        got = {(e["entity"], e["value"]) for e in parsed.get("entities") or []}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        if want != got:
            misses.append(f"{item['text']!r}: entities {sorted(got)}, not {sorted(want)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    for miss in misses:
        print("  " + miss)
    print(
        f"intent accuracy {right / max(1, counted):.3f} ({right}/{counted}); entities P {precision:.3f} "
        f"R {recall:.3f} F1 {f1:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
