"""Rasa graph component that classifies a long message by its question (see `rasa_ext.question_focus`)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.question_focus import focus


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class QuestionFocus(GraphComponent):
    """Replaces the text of a long message by its question sentences, in training and at prediction.

    It must come first in the pipeline, before the tokenizer. The conversation keeps the message as
    typed: Rasa records the user's original text in the tracker, so forms and history are unaffected.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionFocus:
        """Build the component (it has no settings)."""
        return cls()

    @staticmethod
    def _focus(message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str) and text:
            focused = focus(text)
            if focused != text:
                message.set(TEXT, focused)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Focus long training examples the same way as messages at prediction."""
        for example in training_data.training_examples:
            self._focus(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Focus long incoming messages."""
        for message in messages:
            self._focus(message)
        return messages
