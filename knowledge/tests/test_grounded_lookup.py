"""With a model configured, a lookup the matcher is not sure about is decided by the model choosing
an entry by id, or none; the answer given is that entry's own, word for word. Against the
OpenAI-compatible loopback double (salon_project/tests/support_openai_double.py)."""

import json
import time

import pytest

from knowledge import services
from knowledge.models import KnowledgeEntry, LookupRecord
from salon_project.tests.support_openai_double import OpenAIDouble, Reply

pytestmark = pytest.mark.django_db

# Not the matcher's: a rewording with words no entry has, so the matcher abstains.
UNSURE = "could my nan get me one of them gift card thingies"


@pytest.fixture
def entries(db):
    return {
        "gift": services.create_entry(
            question="Are gift cards sold here?",
            answer="Yes: gift cards in any amount at the front desk, and they never expire.",
        ),
        "parking": services.create_entry(
            question="Is there parking for customers?", answer="There is a free lot behind us."
        ),
        "payment": services.create_entry(
            question="What payment methods do you accept?", answer="Cash and all major cards."
        ),
    }


@pytest.fixture
def model(settings):
    """The double, configured as the salon's model (an OpenAI-compatible server)."""
    with OpenAIDouble() as double:
        settings.LLM_PROVIDER = "compatible"
        settings.LLM_BASE_URL = double.base_url
        settings.LLM_MODEL = "lookup-model"
        settings.LLM_API_KEY = "sk-test"
        settings.LLM_LOOKUP_TIMEOUT_SECONDS = 3
        yield double


def choose(entry_id):
    return Reply(content=json.dumps({"entry_id": entry_id}))


def sent_entries(double) -> list[dict]:
    [request] = double.completions()
    return json.loads(request["body"]["messages"][-1]["content"])["entries"]


def test_the_unsure_question_is_one_the_matcher_alone_escalates(entries, settings):
    settings.LLM_PROVIDER = "offline"
    assert not services.lookup(UNSURE).matched


def test_the_model_is_asked_by_the_chat_completions_protocol_with_the_candidates_ids(entries, model):
    model.reply = choose(None)

    services.lookup(UNSURE)

    [request] = model.completions()
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "lookup-model"
    assert body["response_format"] == {"type": "json_object"}
    assert not body.get("stream")
    system, user = body["messages"]
    assert system["role"] == "system" and '{"entry_id": null}' in system["content"]
    sent = json.loads(user["content"])
    assert sent["question"] == UNSURE
    gift = entries["gift"]
    assert {"id": gift.id, "question": gift.question, "answer": gift.answer} in sent["entries"]


def test_a_chosen_id_gives_that_entrys_stored_answer_word_for_word(entries, model):
    gift = entries["gift"]
    # Whatever else the model writes, only the stored answer is given.
    model.reply = Reply(content=json.dumps({"entry_id": gift.id, "answer": "Gift cards are half price today!"}))

    result = services.lookup(UNSURE)

    assert result.matched and result.entry_id == gift.id
    assert result.answer == gift.answer and result.source == "manual"
    assert result.decided_by == "model"
    record = LookupRecord.objects.latest("id")
    assert (record.matched, record.entry_id, record.decided_by) == (True, gift.id, "model")
    assert KnowledgeEntry.objects.get(pk=gift.id).times_used == 1


def test_null_escalates(entries, model):
    model.reply = choose(None)

    result = services.lookup(UNSURE)

    assert not result.matched and result.answer is None and result.entry_id is None
    assert result.decided_by == "model"
    assert LookupRecord.objects.latest("id").decided_by == "model"


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(lambda ids, other: choose(other), id="an id not among the candidates"),
        pytest.param(lambda ids, other: choose(987654), id="an id of no entry"),
        pytest.param(lambda ids, other: Reply(content=f"Entry {ids[0]} answers it."), id="free text"),
        pytest.param(lambda ids, other: Reply(content='{"entry_id": '), id="malformed JSON"),
        pytest.param(lambda ids, other: Reply(content=json.dumps({"id": ids[0]})), id="another key"),
        pytest.param(lambda ids, other: Reply(content=json.dumps({"entry_id": str(ids[0])})), id="an id as text"),
        pytest.param(lambda ids, other: Reply(content=json.dumps([ids[0]])), id="not an object"),
        pytest.param(lambda ids, other: Reply(content=None), id="no content"),
        pytest.param(lambda ids, other: Reply(raw=b"<html>gateway</html>"), id="not JSON at all"),
        pytest.param(lambda ids, other: Reply(status=500), id="HTTP 500"),
        pytest.param(lambda ids, other: Reply(status=429), id="429"),
    ],
)
def test_anything_but_a_candidates_id_or_null_escalates_with_a_log_line(entries, model, caplog, reply):
    gift, payment = entries["gift"].id, entries["payment"].id
    model.reply = reply([gift], payment)  # made here: the double's thread has no database

    result = services.lookup(UNSURE)

    assert len(model.completions()) == 1
    assert gift in {entry["id"] for entry in sent_entries(model)}
    assert payment not in {entry["id"] for entry in sent_entries(model)}
    assert not result.matched and result.answer is None and result.decided_by == "matcher"
    assert LookupRecord.objects.latest("id").matched is False
    assert "salon.grounding" in {record.name for record in caplog.records if record.levelname == "WARNING"}


def test_a_slow_model_is_not_waited_for(entries, model, settings, caplog):
    settings.LLM_LOOKUP_TIMEOUT_SECONDS = 0.5
    model.reply = Reply(content=json.dumps({"entry_id": entries["gift"].id}), delay_seconds=2)

    started = time.monotonic()
    result = services.lookup(UNSURE)

    assert time.monotonic() - started < 2  # it did not wait for the reply
    assert not result.matched and result.decided_by == "matcher"
    assert "did not choose within" in caplog.text


def test_the_offline_default_never_calls_a_model(entries, model, settings):
    settings.LLM_PROVIDER = "offline"  # the double is still at LLM_BASE_URL

    result = services.lookup(UNSURE)

    assert not result.matched and result.decided_by == "matcher"
    assert model.requests == []


def test_a_provider_that_cannot_work_leaves_the_matcher_alone(entries, settings, caplog):
    settings.LLM_PROVIDER, settings.GROQ_API_KEY, settings.LLM_API_KEY = "groq", None, None

    assert not services.lookup(UNSURE).matched
    assert "LLM_PROVIDER=groq needs an API key" in caplog.text


def test_a_sure_match_never_calls_the_model(entries, model):
    model.reply = choose(None)

    result = services.lookup("Is there parking for customers?")

    assert result.matched and result.entry_id == entries["parking"].id and result.decided_by == "matcher"
    assert model.requests == []


def test_a_question_with_nothing_near_it_escalates_without_asking(entries, model):
    assert not services.lookup("Do you do eyebrow threading?").matched
    assert model.requests == []


@pytest.mark.parametrize(
    "question",
    [
        "my scalp is still burning, can my nan get me one of them gift card thingies",
        "i want a refund on the gift card thingies my nan got me",
        "is the bleach going to burn, or can my nan get me gift card thingies",
    ],
)
def test_a_question_for_a_person_is_never_shown_to_the_model(entries, model, question):
    model.reply = choose(entries["gift"].id)

    assert not services.lookup(question).matched
    assert model.requests == []


def test_rival_answers_close_together_are_decided_by_the_model(entries, model):
    lot = services.create_entry(question="Is there parking nearby?", answer="Yes, a free lot behind the building.")
    street = services.create_entry(question="Is there parking nearby?", answer="Street parking only, metered.")
    model.reply = choose(street.id)

    result = services.lookup("is there any parking nearby")

    assert {entry["id"] for entry in sent_entries(model)} >= {lot.id, street.id}
    assert result.matched and result.answer == street.answer and result.decided_by == "model"


def test_rivals_the_model_cannot_decide_are_left_to_the_matcher(entries, model):
    services.create_entry(question="Is there parking nearby?", answer="Yes, a free lot behind the building.")
    services.create_entry(question="Is there parking nearby?", answer="Street parking only, metered.")
    model.reply = Reply(status=503)

    result = services.lookup("is there any parking nearby")

    assert len(model.completions()) == 1
    assert result.matched and result.decided_by == "matcher"  # what the matcher alone gives, as offline


def test_the_api_says_who_decided(entries, model, api):
    model.reply = choose(entries["gift"].id)

    response = api.post("/api/v1/knowledge/lookup", {"question": UNSURE})

    assert response.status_code == 200
    assert response.data == {
        "matched": True,
        "answer": entries["gift"].answer,
        "entry_id": entries["gift"].id,
        "score": response.data["score"],
        "source": "manual",
        "decided_by": "model",
        "entry_ids": [entries["gift"].id],
    }
    assert (
        api.post("/api/v1/knowledge/lookup", {"question": "Is there parking for customers?"}).data["decided_by"]
        == "matcher"
    )
