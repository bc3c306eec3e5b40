from __future__ import annotations

from assistant.speech.board import board_of_cards, board_of_phrases, jsgf, match, normalise


def test_normalise_keeps_words_and_apostrophes():
    assert normalise("I don\u2019t know!  Cooking-club.") == "i don't know cooking club"


def test_cards_get_labels_synonyms_and_yes_no_words(catalogue):
    board = board_of_cards(catalogue, ["cooking", "yes", "no", "dont_know"])
    assert board.get("cooking").label == "Cooking"
    assert "cooking" in board.get("cooking").phrases
    assert {"yeah", "yep"} <= set(board.get("yes").phrases)
    assert "nope" in board.get("no").phrases
    assert "i don't know" in board.get("dont_know").phrases


def test_a_phrase_naming_two_cards_names_neither(catalogue):
    board = board_of_cards(catalogue, ["unsure", "not_sure"])  # both labelled "Not sure"
    assert match(board, "not sure") is None


def test_match_takes_the_longest_phrase_and_carriers(catalogue):
    board = board_of_cards(catalogue, ["like", "not_sure", "dont_like"])
    assert match(board, "I don't like it.") == "dont_like"
    assert match(board, "I like it") == "like"
    feelings = board_of_cards(catalogue, ["happy", "sad", "tired"])
    assert match(feelings, "I felt happy") == "happy"


def test_match_rejects_two_options_repeats_and_nothing():
    board = board_of_phrases(["cooking", "football", "animals"])
    assert match(board, "cooking and football") is None
    assert match(board, "Cooking, cooking, cooking.") is None
    assert match(board, "") is None
    assert match(board, "i like") is None
    assert match(board, "pizza") is None


def test_board_key_changes_with_the_options():
    assert board_of_phrases(["yes", "no"]).key == board_of_phrases(["yes", "no"]).key
    assert board_of_phrases(["yes", "no"]).key != board_of_phrases(["yes", "maybe"]).key


def test_grammar_leaves_out_unsayable_phrases_and_answer_words_from_garbage():
    board = board_of_phrases(["cooking", "axolotl", "good"])
    grammar = jsgf(board, lambda word: word != "axolotl")
    assert "axolotl" not in grammar
    garbage = grammar.split("<garbage> = ")[1]
    assert " good " not in f" {garbage.rstrip(';')} ".replace("|", " ")
    assert "public <answer> = [<carrier>] (<c0> | <c2>) [<tail>] | <garbage>;" in grammar
    assert jsgf(board_of_phrases(["axolotl"]), lambda word: word != "axolotl") is None
