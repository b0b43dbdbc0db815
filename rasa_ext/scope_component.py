"""Rasa graph component that marks plainly off-topic messages as out_of_scope (see `rasa_ext.scope`)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.scope import is_out_of_scope

OUT_OF_SCOPE = "out_of_scope"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ScopeGuard(GraphComponent):
    """After the classifiers: a homework, maths, shopping or other-country question that names nothing of
    Japan becomes `out_of_scope` (confidence 1.0), whatever topic the classifier leaned to."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ScopeGuard:
        """Build the component (it has no settings)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent of off-topic messages."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not is_out_of_scope(text):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != OUT_OF_SCOPE]
            message.set(INTENT, {"name": OUT_OF_SCOPE, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": OUT_OF_SCOPE, "confidence": 1.0}, *ranking], add_to_output=True)
        return messages
