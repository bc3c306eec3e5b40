from __future__ import annotations

import threading
import time

import pytest
import speech_recognition as sr

from assistant.speech.board import board_of_phrases, match
from assistant.speech.engines import Engine, Result
from assistant.speech.recogniser import Busy, Recogniser, closest

BOARD = board_of_phrases(["cooking", "football", "animals"])
AUDIO = sr.AudioData(b"\x00\x01" * 1600, 16_000, 2)


class Heard(Engine):
    def __init__(self, name, text, choice="match", delay=0.0):
        self.name, self.text, self.choice, self.delay, self.calls = name, text, choice, delay, 0

    def recognise(self, audio, board):
        self.calls += 1
        time.sleep(self.delay)
        choice = match(board, self.text) if self.choice == "match" else self.choice
        return Result(choice, self.text, self.name, 0.8, self.delay)


def test_the_first_engine_that_names_a_card_wins():
    whisper, grammar = Heard("whisper", "I like cooking."), Heard("grammar", "football")
    proposal = Recogniser([whisper, grammar]).propose(AUDIO, BOARD)
    assert (proposal.choice, proposal.label, proposal.engine) == ("cooking", "cooking", "whisper")
    assert grammar.calls == 0


def test_the_grammar_after_whisper_needs_whisper_to_have_heard_something_like_it():
    assert (
        Recogniser([Heard("whisper", "I like cookin'", None), Heard("grammar", "cooking")]).propose(AUDIO, BOARD).choice
        == "cooking"
    )
    for heard in ("", "pizza", "I like football and animals"):
        proposal = Recogniser([Heard("whisper", heard, None), Heard("grammar", "cooking")]).propose(AUDIO, BOARD)
        assert proposal.choice is None and proposal.engine is None


def test_the_grammar_alone_proposes_what_it_heard():
    assert Recogniser([Heard("grammar", "i like animals")]).propose(AUDIO, BOARD).choice == "animals"


def test_closest_is_fuzzy_but_needs_one_clear_winner():
    assert closest(BOARD, "foot ball") == "football"
    assert closest(BOARD, "") is None
    assert closest(BOARD, "the weather") is None


def test_one_recognition_per_slot_the_others_queue(monkeypatch):
    engine = Heard("grammar", "cooking", delay=0.2)
    recogniser = Recogniser([engine], slots=1)
    results, started = [], time.perf_counter()
    threads = [threading.Thread(target=lambda: results.append(recogniser.propose(AUDIO, BOARD))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.choice for r in results] == ["cooking"] * 3
    assert time.perf_counter() - started >= 0.6  # one after another, none dropped


def test_busy_when_no_slot_frees_in_time(monkeypatch):
    monkeypatch.setattr("assistant.speech.recogniser.QUEUE_SECONDS", 0.05)
    recogniser = Recogniser([Heard("grammar", "cooking", delay=0.5)], slots=1)
    thread = threading.Thread(target=recogniser.propose, args=(AUDIO, BOARD))
    thread.start()
    time.sleep(0.1)
    with pytest.raises(Busy):
        recogniser.propose(AUDIO, BOARD)
    thread.join()
