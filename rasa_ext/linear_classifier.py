"""A TensorFlow-free intent classifier that is also the retrieval-intent response selector.

One linear support-vector classifier over every label the data knows — the conversation intents and each
retrieval sub-intent (`faq/ssw`, `faq/costs`, ...) — on TF-IDF weights of the sparse features that
Rasa's featurizers produce. Its margins become confidences by a softmax with a temperature, and are then
read twice:

- as the intent: the probabilities of a retrieval intent's sub-intents are summed (`faq`), so the
  FallbackClassifier and the rules see the same intents as with DIET;
- as the response selection: the best sub-intent, with its probability given that intent, in exactly the
  shape Rasa's ResponseSelector writes (`response_selector.<intent>.response.intent_response_key`,
  `utter_action`, `ranking`), so `utter_faq` keeps working.

Training takes seconds and the model is a few MB of NumPy arrays (no pickles); inference is one sparse
matrix product per message.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import Any

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    RESPONSE_IDENTIFIER_DELIMITER,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_json_file

logger = logging.getLogger(__name__)

_ARRAYS = "linear_classifier.npz"
_META = "linear_classifier.json"


def _utter_action(intent_response_key: str) -> str:
    """`faq/ssw` -> `utter_faq/ssw`, the response name Rasa's ResponseSelector reports."""
    return f"utter_{intent_response_key}"


def _weigh(counts: scipy.sparse.csr_matrix, idf: NDArray[Any]) -> scipy.sparse.csr_matrix:
    """Sublinear TF times IDF, each row scaled to unit length (one featurizer's block)."""
    weighted = counts.astype(np.float64).tocsr(copy=True)
    weighted.data = 1.0 + np.log(np.maximum(weighted.data, 1e-12))
    weighted = weighted.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return scipy.sparse.diags(1.0 / norms) @ weighted


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intents and retrieval responses from one TF-IDF linear SVM over all labels."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Sparse sentence features come from Rasa's featurizers."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """SVM regularisation (C), softmax temperature over the margins, solver limits, ranking size."""
        return {"C": 2.0, "temperature": 0.1, "max_iter": 5000, "random_state": 7, "ranking_length": 10}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        meta: dict[str, Any] | None = None,
        arrays: dict[str, NDArray[Any]] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # meta: labels, featurizer blocks (origin, width), retrieval responses; arrays: coef, intercept, idf_<i>
        self._meta = meta
        self._arrays = arrays or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """An untrained classifier."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """The trained classifier, or an untrained one when training had no examples."""
        try:
            with model_storage.read_from(resource) as directory:
                meta = read_json_file(directory / _META)
                with np.load(directory / _ARRAYS) as stored:
                    arrays = {name: stored[name] for name in stored.files}
        except (ValueError, FileNotFoundError):
            logger.debug("No trained %s in the model; it will predict nothing.", cls.__name__)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, meta, arrays)

    # --- features ---------------------------------------------------------------------------------

    @staticmethod
    def _blocks(message: Message) -> dict[str, scipy.sparse.spmatrix]:
        """The sparse sentence features of the message text, one matrix per featurizer."""
        return {
            str(f.origin): f.features
            for f in message.features
            if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()
        }

    @staticmethod
    def _counts(
        per_message: list[dict[str, scipy.sparse.spmatrix]], origin: str, width: int
    ) -> scipy.sparse.csr_matrix:
        """One featurizer's counts for every message, one row each (zero where a message has none)."""
        rows = [
            scipy.sparse.csr_matrix(blocks[origin]) if origin in blocks else scipy.sparse.csr_matrix((1, width))
            for blocks in per_message
        ]
        return scipy.sparse.vstack(rows).tocsr()

    def _matrix(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        """Rows of TF-IDF features in the training layout."""
        assert self._meta is not None
        per_message = [self._blocks(m) for m in messages]
        columns = [
            _weigh(self._counts(per_message, origin, width), self._arrays[f"idf_{index}"])
            for index, (origin, width) in enumerate(self._meta["blocks"])
        ]
        return scipy.sparse.hstack(columns).tocsr()

    # --- training ---------------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the SVM on every example's full label (`faq/<topic>` for retrieval intents)."""
        from sklearn.svm import LinearSVC  # training only: serving needs NumPy alone

        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        if not examples:
            logger.debug("No intent examples: %s stays untrained.", self.__class__.__name__)
            return self._resource
        labels = [str(e.get_full_intent()) for e in examples]
        per_message = [self._blocks(e) for e in examples]
        widths = {origin: int(block.shape[1]) for blocks in per_message for origin, block in blocks.items()}
        blocks = sorted(widths.items())
        if not blocks:
            raise ValueError(f"{self.__class__.__name__} needs a sparse featurizer (CountVectorsFeaturizer) before it")
        self._meta = {"labels": [], "blocks": blocks, "responses": {}}
        self._arrays = {}
        for index, (origin, width) in enumerate(blocks):
            counts = self._counts(per_message, origin, width)
            document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
            # sklearn's smoothed IDF: as if one extra document held every n-gram once
            self._arrays[f"idf_{index}"] = np.log((1 + len(examples)) / (1 + document_frequency)) + 1.0
        features = self._matrix(examples)
        svm = LinearSVC(
            C=float(self._config["C"]),
            max_iter=int(self._config["max_iter"]),
            random_state=int(self._config["random_state"]),
        )
        svm.fit(features, labels)
        coef, intercept = svm.coef_, svm.intercept_
        if len(svm.classes_) == 2:  # sklearn keeps one row for two classes: the second class's margin
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        self._meta["labels"] = [str(label) for label in svm.classes_]
        self._arrays["coef"] = coef.astype(np.float32)
        self._arrays["intercept"] = intercept.astype(np.float32)
        retrieval_keys = {label for label in labels if RESPONSE_IDENTIFIER_DELIMITER in label}
        self._meta["responses"] = {
            name: responses
            for name, responses in training_data.responses.items()
            if name.removeprefix("utter_") in retrieval_keys
        }
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Store labels and responses as JSON and the weights as a NumPy archive."""
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _META).write_text(json.dumps(self._meta, ensure_ascii=False), encoding="utf-8")
            np.savez_compressed(directory / _ARRAYS, **self._arrays)

    # --- inference --------------------------------------------------------------------------------

    def _probabilities(self, messages: list[Message]) -> NDArray[Any]:
        scores = self._matrix(messages) @ self._arrays["coef"].T.astype(np.float64) + self._arrays["intercept"]
        scores = np.asarray(scores) / float(self._config["temperature"])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def process(self, messages: list[Message]) -> list[Message]:
        """Set `intent`, `intent_ranking` and `response_selector` on each message."""
        if self._meta is None or not self._meta["labels"] or not messages:
            return messages
        labels: list[str] = self._meta["labels"]
        length = int(self._config["ranking_length"])
        for message, probabilities in zip(messages, self._probabilities(messages), strict=True):
            intents: defaultdict[str, float] = defaultdict(float)
            sub_intents: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
            for label, probability in zip(labels, probabilities.tolist(), strict=True):
                intent, _, _ = label.partition(RESPONSE_IDENTIFIER_DELIMITER)
                intents[intent] += probability
                if label != intent:
                    sub_intents[intent].append((label, probability))
            ranking = [
                {"name": name, PREDICTED_CONFIDENCE_KEY: confidence}
                for name, confidence in sorted(intents.items(), key=lambda item: -item[1])
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)
            self._select_responses(message, intents, sub_intents, length)
        return messages

    def _select_responses(
        self,
        message: Message,
        intents: dict[str, float],
        sub_intents: dict[str, list[tuple[str, float]]],
        length: int,
    ) -> None:
        """ResponseSelector's output for every retrieval intent, whichever intent won."""
        assert self._meta is not None
        selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
        selector[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = sorted(sub_intents)
        for intent, candidates in sub_intents.items():
            total = intents[intent] or 1.0
            ordered = sorted(candidates, key=lambda item: -item[1])
            best = ordered[0][0]
            selector[intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self._meta["responses"].get(_utter_action(best)),
                    PREDICTED_CONFIDENCE_KEY: ordered[0][1] / total,
                    INTENT_RESPONSE_KEY: best,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: _utter_action(best),
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {PREDICTED_CONFIDENCE_KEY: p / total, INTENT_RESPONSE_KEY: key}
                    for key, p in (ordered[:length] if length > 0 else ordered)
                ],
            }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
