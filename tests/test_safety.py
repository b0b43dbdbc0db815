"""The safety layer: which messages get the anti-fraud guidance (bot/safety.py), case by case, in three languages."""

from __future__ import annotations

import pytest

from bot.safety import SAFETY_NOTE, needs_safety_note

# Fresh messages, written for this test (not copied from the training or evaluation data).
RISKY = {
    "paying an agent": [
        "my agent in Lahore is asking 6.5 lakh for the japan work permit, should I pay",
        "ایجنٹ نے کہا ہے کہ ساڑھے چھ لاکھ بھیج دو تو جاپان کا ویزا لگ جائے گا",
        "agent ne kaha 6 lakh bhej do japan ka visa lag jayega",
        "The recruitment company wants 350,000 rupees before the interview for the Japan job",
        "کمپنی والے انٹرویو سے پہلے ساڑھے تین لاکھ روپے مانگ رہے ہیں",
        "company wale interview se pehle 3 lakh rupay maang rahe hain japan job ke liye",
    ],
    "cash, deposits, worker fees": [
        "they want me to hand over the money in cash at their office",
        "وہ کہتے ہیں رقم نقد دفتر آ کر دو",
        "wo kehte hain paise cash mein office aa ke do, raseed nahi denge",
        "the employer asks for a security deposit that will be returned when my contract ends",
        "Will a management fee be taken from my salary every month by the support company?",
        "جاپان میں میری تنخواہ سے ہر مہینے سپورٹ فیس کاٹی جائے گی؟",
        "send the file charges by easypaisa today",
    ],
    "buying a document": [
        "where can I buy a JFT certificate without giving the test",
        "کیا پیسے دے کر جے ایف ٹی کا سرٹیفکیٹ خریدا جا سکتا ہے؟",
        "koi experience letter bana ke de sakta hai 10 saal ka, paise de dunga",
        "a guy is selling skills test results for food service, is that ok",
        "مجھے جعلی ڈگری کی پیشکش ہوئی ہے",
        "jaali degree ke sath engineer visa mil jayega?",
    ],
    "guarantee": [
        "They promised a guaranteed job in Tokyo within 60 days",
        "وہ کہتے ہیں جاپان کا ویزا سو فیصد لگے گا",
        "bhai unhon ne kaha visa pakka lag jayega tension na lo",
    ],
    "unlicensed office": [
        "The consultancy says they are not registered with BEOE but they have sent many people",
        "اس دفتر کے پاس لائسنس نہیں ہے لیکن کہتے ہیں کوئی مسئلہ نہیں",
        "un ke paas license nahi hai magar kehte hain koi masla nahi",
    ],
    "visa with the ticket": [
        "Travel office offering Japan visa plus ticket package for 8 lakh",
        "ٹکٹ سمیت جاپان کا ورک ویزا مل رہا ہے",
        "ticket samait japan ka work visa mil raha hai",
        "is there an azad visa for japan like in dubai",
    ],
    "wrong status": [
        "Can I do a full-time job while I'm on a student visa in Japan?",
        "کیا طالب علم جاپان میں فل ٹائم نوکری کر سکتا ہے؟",
        "student visa pe japan mein full time job kar sakta hun?",
        "I will go on a tourist visa and work for three months, then come back",
        "سیاحتی ویزے پر جا کر وہاں کام ڈھونڈوں گا",
        "tourist visa pe ja ke wahan kaam dhoondunga",
        "they are giving an engineer visa but the work is in a restaurant",
        "انجینئر ویزا ہے لیکن کام فیکٹری میں پیکنگ کا ہے",
        "engineer visa pe hotel mein waiter ka kaam milega",
        "can I overstay after my visa ends and keep working",
        "the offer is engineer visa, lekin asal kaam warehouse mein loading ka hai",
    ],
    "more ways of saying it": [
        "visa + air ticket + medical all in one for 10 lakh",
        "his licence expired last year but he still sends people, can I go through him",
        "ہر مہینے تنخواہ سے کمیشن کٹے گا ایجنسی کا",
        "they will cut a monthly fee from my salary for the registered support body",
        "بغیر ٹیسٹ کے سرٹیفکیٹ مل جائے گا",
    ],
}
PLAIN = [
    "What is the Specified Skilled Worker visa?",
    "How long does it take to reach JLPT N4?",
    "Which documents do I need for protector registration?",
    "How much does the protector registration cost?",
    "What is the minimum wage in Japan?",
    "Can I take the JFT-Basic in Japan on a short visit?",
    "Is matric enough for SSW?",
    "ایس ایس ڈبلیو کیا ہے؟",
    "جاپانی زبان کہاں سیکھوں؟",
    "پروٹیکٹر کے لیے کون سے کاغذات چاہئیں؟",
    "japan mein kitni tankhwah milti hai",
    "JLPT ka exam kab hota hai",
    "kya biwi bachay saath ja sakte hain",
    "how many pakistanis live in japan",
    "I earn 40,000 a month in a shop and send most of it home. What is SSW?",
    "mahine ke 35 hazar milte hain, japan mein kitni tankhwah hoti hai",
    "میری عمر دو سال کم ہے، کیا پھر بھی اپلائی کر سکتا ہوں؟",
    "Where can I take the JFT-Basic test?",
]


@pytest.mark.parametrize(
    "text", [text for texts in RISKY.values() for text in texts], ids=lambda text: text[:40]
)
def test_risky_messages_get_the_note(text: str) -> None:
    assert needs_safety_note(text), text


@pytest.mark.parametrize("text", PLAIN, ids=lambda text: text[:40])
def test_plain_fact_questions_do_not(text: str) -> None:
    assert not needs_safety_note(text), text


def test_every_risk_class_is_covered_in_each_script() -> None:
    for kind, texts in RISKY.items():
        assert any(any("\u0600" <= c <= "\u06ff" for c in t) for t in texts), f"{kind}: no Urdu-script case"
        assert len(texts) >= 3, kind


def test_normalised_like_the_tokenizer() -> None:
    # Arabic kaf/yeh and zero-width marks, as copy-pasted text often has them.
    assert needs_safety_note("ايجنٹ پيسے مانگ رہا ہے جاپان ويزا كے ليے")
    assert needs_safety_note("GUARANTEEEED visa!!!")


def test_the_note_says_what_is_legal_and_where_to_check() -> None:
    assert "beoe.gov.pk/list-of-oeps" in SAFETY_NOTE
    assert "Rs 15,000" in SAFETY_NOTE and "receipt" in SAFETY_NOTE and "FIA" in SAFETY_NOTE
    # The old anti-fraud line claimed government channels never charge; official fees exist (facts.md C0.7).
    assert "never take" not in SAFETY_NOTE and "Official fees" in SAFETY_NOTE
