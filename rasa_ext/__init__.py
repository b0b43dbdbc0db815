"""Custom Rasa components; imported only by the Rasa virtual environment."""
