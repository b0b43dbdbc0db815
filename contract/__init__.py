"""The vocabulary shared by the bot and Rasa's action server: dependency-free, importable on Python 3.10 and 3.11."""
