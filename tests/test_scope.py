"""Out-of-scope rules (rasa_ext/scope.py): homework, maths, shopping and other countries, never a Japan question."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rasa_ext.scope import is_out_of_scope

ROOT = Path(__file__).resolve().parent.parent

# Fresh messages, written for this test.
OFF_TOPIC = [
    "what is 12 percent of 850",
    "write an essay on the importance of trees",
    "How do I apply for a US tourist visa from Islamabad?",
    "Kuwait driving job visa kitne ka hai",
    "کینیڈا امیگریشن کے لیے آئلٹس کتنا چاہیے",
    "mera assignment bana do pollution par",
    "اس نظم کا خلاصہ لکھ دیں",
    "best laptop for students please",
]
IN_SCOPE = [
    "I worked in Saudi Arabia for six years as a driver, which route fits me?",
    "Can I take the JFT in Dubai and then go to Japan?",
    "My BSc is in physics, can I get the engineer visa?",
    "agent kehta hai korea ka visa bhi de dunga aur japan ka bhi",
    "100 percent guarantee wala visa milta hai?",
    "ایجنٹ کہتا ہے سو فیصد ویزا لگے گا",
    "/faq/ssw",
]


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_requests(text: str) -> None:
    assert is_out_of_scope(text), text


@pytest.mark.parametrize("text", IN_SCOPE)
def test_japan_questions_stay_in_scope(text: str) -> None:
    assert not is_out_of_scope(text), text


def test_no_training_example_of_a_topic_is_ruled_out_of_scope() -> None:
    """The rules never override a message the model is trained to answer with a topic."""
    wrong = []
    for path in (ROOT / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if block.get("intent") == "out_of_scope":
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:]
                if line.strip().startswith("- ") and is_out_of_scope(text):
                    wrong.append(text)
    assert not wrong, wrong
