"""The conversations: the plans of questions, the engine that runs them (pure: no
database, no Rasa, no Flask), what an answer means with its question in hand, words
that may disclose harm, and taking a turn (the engine's writes in one transaction).
"""
