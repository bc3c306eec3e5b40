"""python -m assistant.speech transcribe FILE --choices "cooking|football|animals"

Prints one JSON object: choice (one of the choices, or null), label, text, engine,
confidence, seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import DomainError
from assistant.speech import board_of_phrases, listen
from assistant.speech.recogniser import ENGINE_ORDERS, build


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m assistant.speech")
    commands = parser.add_subparsers(dest="command", required=True)
    transcribe = commands.add_parser("transcribe", help="which choice a recording names")
    transcribe.add_argument("file", type=Path)
    transcribe.add_argument("--choices", required=True, help='options separated by "|"')
    transcribe.add_argument("--engine", choices=sorted(ENGINE_ORDERS), default="auto")
    args = parser.parse_args(argv)
    board = board_of_phrases([c for c in args.choices.split("|") if c.strip()])
    if not board.choices:
        parser.error("give at least one choice")
    try:
        data = args.file.read_bytes()
        proposal = listen(data, board, build(args.engine, slots=1))
    except (OSError, DomainError) as error:
        print(json.dumps({"error": getattr(error, "message", str(error))}))
        return 1
    print(json.dumps(proposal.as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
