"""Services: one function per use case (accounts, schools, pupils, encounters, sessions,
review, history, concerns, audit, erasure, retention, backup, chat requests). Each
takes the acting member of staff and raises named domain errors; no Flask, no Rasa.
"""
