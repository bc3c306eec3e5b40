"""Speech in: a spoken answer proposes one card of the board on screen (never stores it).

`listen(data, board)` decodes an upload in memory, runs the engines and returns a Proposal;
the audio is dropped as soon as recognition ends. See recogniser.py for the engine order.
"""

from __future__ import annotations

from assistant.speech.audio import decode
from assistant.speech.board import Board, board_of_cards, board_of_phrases
from assistant.speech.recogniser import Busy, Proposal, Recogniser, shared

__all__ = ["Board", "Busy", "Proposal", "Recogniser", "board_of_cards", "board_of_phrases",
           "listen"]


def listen(data: bytes, board: Board, recogniser: Recogniser | None = None) -> Proposal:
    """The card the recording names (or none). InvalidInput for a bad upload."""
    audio = decode(data)
    try:
        return (recogniser or shared()).propose(audio, board)
    finally:
        del audio, data
