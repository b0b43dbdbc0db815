"""Rasa graph components: the Urdu/Roman Urdu normaliser and the button-payload router."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.normalization import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UrduNormalizer(GraphComponent):
    """Rewrites each message's text into one canonical form, at training and at prediction time."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UrduNormalizer:
        """Build the component; it has no state."""
        return cls()

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        # Button payloads ("/intent") are left alone so Rasa can still unpack them.
        if isinstance(text, str) and text and not text.startswith("/"):
            message.set(TEXT, normalize(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise every training example."""
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalise incoming messages."""
        for message in messages:
            self._normalize(message)
        return messages


_FAQ_PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)/(?P<key>[a-z_]+)$")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RetrievalPayloadRouter(GraphComponent):
    """Turns a button payload such as "/faq/ssw" into the exact retrieval intent and response.

    Rasa unpacks "/intent" payloads itself, but not "/retrieval_intent/response_key"; without this
    a follow-up button would be re-classified from its literal text.
    """

    def __init__(self, retrieval_intents: list[str]) -> None:
        self._retrieval_intents = retrieval_intents

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Which retrieval intents the router may answer."""
        return {"retrieval_intents": ["faq"]}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RetrievalPayloadRouter:
        """Build the component from its configuration."""
        return cls(list(config["retrieval_intents"]))

    def process(self, messages: list[Message]) -> list[Message]:
        """Set intent and response selection for retrieval payloads."""
        for message in messages:
            match = _FAQ_PAYLOAD.match((message.get(TEXT) or "").strip())
            if not match or match["intent"] not in self._retrieval_intents:
                continue
            intent, key = match["intent"], f"{match['intent']}/{match['key']}"
            message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}], add_to_output=True)
            selector = dict(message.get("response_selector") or {})
            selector[intent] = {
                "response": {
                    "responses": None,
                    "confidence": 1.0,
                    "intent_response_key": key,
                    "utter_action": f"utter_{key}",
                },
                "ranking": [],
            }
            message.set("response_selector", selector, add_to_output=True)
        return messages
