"""The concept matcher: spelling, lemmas and the annotation conventions (own examples)."""

import pytest

from assistant.matcher import ConceptMatcher, max_edits, norm_word, skeleton, stem


@pytest.fixture(scope="module")
def matcher():
    return ConceptMatcher.from_catalogue()


def pairs(matcher, text, intent=None):
    return {(e["entity"], e["value"]) for e in matcher.match_text(text, intent)}


# --------------------------------------------------------------------------- helpers


def test_norm_word_drops_apostrophes():
    assert norm_word("Don't") == "dont"
    assert norm_word("I\u2019m") == "im"


def test_stem_equates_inflections():
    assert stem("cooking") == stem("cooked") == stem("cook")
    assert stem("swimming") == stem("swim")
    assert stem("puppies") == stem("puppy")


def test_skeleton_equates_sound_alike_endings():
    assert skeleton("electrishun") == skeleton("electrician")


def test_short_words_get_no_edits():
    assert max_edits(4) == 0
    assert max_edits(6) == 1
    assert max_edits(12) == 3


# --------------------------------------------------------------------------- spelling


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i lik cookin", ("interest", "cooking")),
        ("he loves playin footy", ("interest", "football")),
        ("she likes gardning", ("interest", "gardening")),
        ("i was realy nervus", ("feeling", "worried")),
        ("i was knackerd", ("feeling", "tired")),
        ("I'm into minecraft", ("interest", "video_games")),
        ("hoovering", ("interest", "cleaning")),
        ("he likes the trampolene", ("interest", "sport")),
    ],
)
def test_misspellings_and_slang_map(matcher, text, expected):
    assert expected in pairs(matcher, text)


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("i wanna be a plummer", "express_aspiration", ("job", "builder")),
        ("i want to be a mechanik", "express_aspiration", ("job", "mechanic")),
        ("she wants to be a hairdreser", "express_aspiration", ("job", "hairdresser")),
        ("i want to go to colledge", "express_aspiration", ("pathway", "college")),
    ],
)
def test_misspelt_jobs_and_pathways(matcher, text, intent, expected):
    assert expected in pairs(matcher, text, intent)


@pytest.mark.parametrize("text", ["looking at the sky", "i was cooking", "it was a long day"])
def test_common_words_are_not_fuzzy_matched(matcher, text):
    found = pairs(matcher, text)
    assert ("interest", "cooking") not in found or "cooking" in text
    assert ("feeling", "bored") not in found


def test_short_words_do_not_over_match(matcher):
    assert pairs(matcher, "i like cats") == {("interest", "animals")}
    assert pairs(matcher, "bat") == set()


def test_spacy_split_contractions_are_glued(matcher):
    tokens = [
        {"text": "i", "lemma": "i", "start": 0, "end": 1},
        {"text": "do", "lemma": "do", "start": 2, "end": 4},
        {"text": "nt", "lemma": "not", "start": 4, "end": 6},
        {"text": "like", "lemma": "like", "start": 7, "end": 11},
        {"text": "it", "lemma": "it", "start": 12, "end": 14},
    ]
    found = matcher.find(tokens, intent="express_dislike")
    assert [(e["entity"], e["value"]) for e in found] == [("rating", "dont_like")]


def test_offsets_cover_the_mention(matcher):
    text = "i really like baking cakes"
    [e] = matcher.match_text(text)
    assert text[e["start"] : e["end"]] == "baking cakes"
    assert e["value"] == "cooking"


# --------------------------------------------------------------------------- conventions


def test_support_only_in_statements_of_need(matcher):
    assert pairs(matcher, "i need help with my reading", "express_need_help") == {("support", "reading_help")}
    assert pairs(matcher, "i like reading comics", "express_like") == {("interest", "reading")}


def test_need_about_activity_without_support_names_interest(matcher):
    assert pairs(matcher, "cooking is hard for me", "express_need_help") == {("interest", "cooking")}


def test_travel_need_absorbs_the_bus(matcher):
    assert pairs(matcher, "i need someone to help me get the bus", "express_need_help") == {("support", "travel_help")}


def test_money_need_is_money_help_not_maths(matcher):
    assert pairs(matcher, "i need help paying in shops", "express_need_help") == {("support", "money_help")}


def test_aspiration_names_the_job_only(matcher):
    assert pairs(matcher, "i want to be a chef because i love cooking", "express_aspiration") >= {("job", "chef")}
    assert pairs(matcher, "i want to train to be a vet", "express_aspiration") == {("job", "vet")}
    assert ("interest", "animals") not in pairs(matcher, "i want to be a vet and look after dogs", "express_aspiration")


def test_work_with_an_interest_names_the_job(matcher):
    assert pairs(matcher, "he wants to work with cars", "express_aspiration") == {("job", "mechanic")}


def test_course_subject_with_pathway_is_an_interest(matcher):
    assert pairs(matcher, "i want to go to college to study art", "express_aspiration") == {
        ("pathway", "college"),
        ("interest", "art"),
    }


def test_paid_job_only_without_a_vocabulary_job(matcher):
    assert pairs(matcher, "i want to get a job", "express_aspiration") == {("pathway", "paid_job")}
    assert ("pathway", "paid_job") not in pairs(matcher, "i want a job as a baker", "express_aspiration")


def test_work_experience_is_not_paid_job(matcher):
    assert ("pathway", "paid_job") not in pairs(matcher, "i did work experience at a garage")


def test_by_myself_is_living_only_about_living(matcher):
    assert ("living", "on_my_own") not in pairs(matcher, "i can make toast by myself", "express_good_at")
    assert ("living", "on_my_own") in pairs(matcher, "i want to live by myself", "express_aspiration")
    assert ("living", "on_my_own") not in pairs(matcher, "i want to work for myself", "express_aspiration")
    assert ("pathway", "own_business") in pairs(matcher, "i want to work for myself", "express_aspiration")


def test_family_living_needs_living_talk(matcher):
    assert pairs(matcher, "i want to live with my nan", "express_aspiration") == {("living", "with_family")}
    assert pairs(matcher, "i went with my mum") == set()


def test_evaluations_keep_the_feeling_word(matcher):
    assert pairs(matcher, "gardening was boring", "express_dislike") == {
        ("interest", "gardening"),
        ("feeling", "bored"),
    }
    assert pairs(matcher, "the trip was fun", "express_like") == {("feeling", "happy")}


def test_good_at_is_not_a_feeling(matcher):
    assert pairs(matcher, "im good at drawing", "express_good_at") == {("interest", "art")}
    assert pairs(matcher, "she is a really good singer", "express_good_at") == {("job", "musician")} or (
        "feeling",
        "happy",
    ) not in pairs(matcher, "she is a really good singer", "express_good_at")


def test_rating_only_for_unnamed_it(matcher):
    assert pairs(matcher, "its my fave", "express_like") == {("rating", "like")}
    assert pairs(matcher, "i dont like that one", "express_dislike") == {("rating", "dont_like")}
    assert pairs(matcher, "i love football", "express_like") == {("interest", "football")}


def test_bare_answers_carry_no_entity(matcher):
    assert pairs(matcher, "yes", "affirm") == set()
    assert pairs(matcher, "i dont know", "dont_know") == set()
    assert pairs(matcher, "good morning", "greet") == set()


def test_complaint_tags_sensory_and_setting(matcher):
    assert pairs(matcher, "it was freezing at the farm", "express_dislike") == {
        ("sensory", "cold"),
        ("interest", "farming"),
    }
    assert pairs(matcher, "it stank in the kitchen", "express_dislike") == {
        ("sensory", "smelly"),
        ("interest", "cooking"),
    }


def test_two_clauses_keep_both_entities(matcher):
    assert pairs(matcher, "i hate maths but i love art", "express_dislike") == {
        ("interest", "maths"),
        ("interest", "art"),
    }
    assert pairs(matcher, "i like cooking but i need help with money", "express_like") == {
        ("interest", "cooking"),
        ("support", "money_help"),
    }


def test_negated_feeling(matcher):
    assert pairs(matcher, "she was not happy", "express_feeling") == {("feeling", "sad")}
    assert pairs(matcher, "i wasnt scared", "express_feeling") == set()


def test_it_needs_capitals(matcher):
    assert ("job", "it_worker") not in pairs(matcher, "i want to do it", "express_aspiration")
    assert ("job", "it_worker") in pairs(matcher, "i want to work in IT", "express_aspiration")


def test_ta_is_assistant_only_with_a_determiner(matcher):
    assert pairs(matcher, "ta") == set()
    assert pairs(matcher, "i need my TA with me", "express_need_help") == {("support", "someone_with_me")}
    assert pairs(matcher, "i want to be a TA", "express_aspiration") == {("job", "teaching_assistant")}


def test_a_place_named_after_a_job_is_not_a_second_job(matcher):
    assert pairs(matcher, "i want to be a cleaner at the dentists", "express_aspiration") == {("job", "cleaner")}


def test_values_are_vocabulary_ids(matcher):
    from symbols.catalogue import load_catalogue

    ids = set(load_catalogue().concepts)
    for text in ["i like cookin and footy", "i need a quiet room", "i felt nervous and tired"]:
        for e in matcher.match_text(text, "express_need_help"):
            assert e["value"] in ids


# --------------------------------------------------------------------------- broader lexicon


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("i love netball", "express_like", {("interest", "sport")}),
        ("he likes warhammer", "express_like", {("interest", "crafts")}),
        ("she loves mr tumble", "express_like", {("interest", "films_tv")}),
        ("i play on my nintendo switch", "express_like", {("interest", "video_games")}),
        ("i was gutted", "express_feeling", {("feeling", "sad")}),
        ("i was bricking it", "express_feeling", {("feeling", "worried")}),
        ("he was proper knackered", "express_feeling", {("feeling", "tired")}),
        ("it was baltic in there", "express_dislike", {("sensory", "cold")}),
        ("the canteen was minging", "express_dislike", {("interest", "cafe"), ("sensory", "smelly")}),
        ("i want to be a tiktoker", "express_aspiration", {("job", "youtuber")}),
        ("he wants to be a chief", "express_aspiration", {("job", "chef")}),
        ("i want to live on my todd", "express_aspiration", {("living", "on_my_own")}),
        ("she needs a scribe", "express_need_help", {("support", "writing_help")}),
        ("he needs sensory breaks", "express_need_help", {("support", "breaks")}),
        ("i need travel training", "express_need_help", {("support", "travel_help")}),
        ("she needs her now and next board", "express_need_help", {("support", "visual_timetable")}),
        ("it was 50 50", None, {("rating", "not_sure")}),
    ],
)
def test_broad_lexicon(matcher, text, intent, expected):
    assert pairs(matcher, text, intent) == expected


def test_gestures_and_common_verbs_name_no_concept(matcher):
    # "shook his head" is a no, not fear; "tapped the tick" is no dance; "plays" is no drama.
    assert pairs(matcher, "he shook his head", "deny") == set()
    assert pairs(matcher, "she tapped the tick", "affirm") == set()
    assert pairs(matcher, "he plays football", "express_like") == {("interest", "football")}


# --------------------------------------------------------------------------- gibberish


@pytest.mark.parametrize("text", ["asdfgh", "zzkq", "qqq xxv", "sdfsdf jkjk", "qwerty", "bfjdksl"])
def test_keyboard_mashing_is_gibberish(matcher, text):
    assert matcher.is_gibberish(matcher.tokenize(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "yesss",
        "nah",
        "hiya",
        "wagwan",
        "idk",
        "ta ra",
        "k",
        "mhm",
        "byeee",
        "i lik cookin",
        "footie",
        "nervus",
        "gr8",
        "10/10",
        "\U0001f44d",
        "?",
        "he nodded",
        "lol",
    ],
)
def test_answers_and_slang_are_not_gibberish(matcher, text):
    assert not matcher.is_gibberish(matcher.tokenize(text), text)
