"""Rasa custom actions (run by `rasa run actions` in the Rasa virtual environment)."""
