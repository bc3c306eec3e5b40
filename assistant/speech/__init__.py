"""Speech in: a spoken answer proposes one card of the board on screen (never stores it).

`propose(data, board)` sends an upload to the listening sandbox: worker processes that
check and decode it in memory (audio.py), run the engines (recogniser.py) and return a
Proposal. A recording that crashes, hangs or floods a worker is a 400, never the web app's
end; the audio is dropped as soon as recognition ends.
"""

from __future__ import annotations

import os

from assistant.errors import InvalidInput
from assistant.sandbox import Limits, Sandbox, SandboxFailed, shared_sandbox
from assistant.speech.audio import UNREADABLE, decode
from assistant.speech.board import Board, board_of_cards, board_of_phrases
from assistant.speech.recogniser import QUEUE_SECONDS, Busy, Proposal, Recogniser, shared
from assistant.speech.templates import ClipCheck, VoiceModel, check_clip, samples_of

__all__ = [
    "Board",
    "Busy",
    "Proposal",
    "Recogniser",
    "board_of_cards",
    "board_of_phrases",
    "check_enrolment_clip",
    "listen",
    "propose",
]

# A worker holds both models (about 200 MB resident, 660 MB of address space at its peak on
# a 30 s recording); 35 s of audio takes whisper about 1.2 s on one core.
LISTEN_LIMITS = Limits(memory_mb=1536, cpu_seconds=30, timeout=30, start_timeout=120, queue_timeout=QUEUE_SECONDS)


def listen(
    data: bytes, board: Board, recogniser: Recogniser | None = None, voice: VoiceModel | None = None
) -> Proposal:
    """The card the recording names (or none), in this process, with the pupil's "My voice"
    templates first when given. InvalidInput for a bad upload. The web app never calls this
    itself: it goes through `propose`."""
    audio = decode(data)
    try:
        return (recogniser or shared()).propose(audio, board, voice)
    finally:
        del audio, data


def enrolment_clip(data: bytes) -> ClipCheck:
    """An enrolment recording decoded and checked, in this process (InvalidInput for a bad
    upload). The web app goes through `check_enrolment_clip`."""
    audio = decode(data)
    try:
        return check_clip(samples_of(audio.frame_data))
    finally:
        del audio, data


def listening_sandbox() -> Sandbox:
    """The worker processes that listen: one per core (at most two), models loaded at start."""
    return shared_sandbox("listen", LISTEN_LIMITS, min(2, os.cpu_count() or 1), setup=shared)


def propose(data: bytes, board: Board, voice: VoiceModel | None = None) -> Proposal:
    """`listen` in the listening sandbox: InvalidInput when the upload is bad or made the
    worker crash, hang or run out of memory; SandboxBusy when every worker stays busy."""
    try:
        return listening_sandbox().run(listen, data, board, None, voice)
    except SandboxFailed:
        raise InvalidInput(UNREADABLE) from None


def check_enrolment_clip(data: bytes) -> ClipCheck:
    """`enrolment_clip` in the listening sandbox (same errors as `propose`)."""
    try:
        return listening_sandbox().run(enrolment_clip, data)
    except SandboxFailed:
        raise InvalidInput(UNREADABLE) from None
