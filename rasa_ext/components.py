"""Rasa graph components: the normalising tokenizer (Urdu / Roman Urdu) and the button-payload router."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.normalization import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalizingWhitespaceTokenizer(WhitespaceTokenizer):
    """Whitespace tokens of the canonical text form (Urdu letter forms, diacritics, digits, spacing).

    Only the tokens are normalised: the message text itself is left as the user wrote it, so that
    form slots (names, cities) keep their original spelling.
    """

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenise the normalised text of `attribute`."""
        original = message.get(attribute)
        if not isinstance(original, str) or not original or original.startswith("/"):
            return list(super().tokenize(message, attribute))
        message.set(attribute, normalize(original))
        try:
            return list(super().tokenize(message, attribute))
        finally:
            message.set(attribute, original)


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
