"""The record: the models, the database and its sessions, one transaction per use case,
the Alembic glue, and where Rasa keeps its conversations and locks.
"""
