"""/api/v1/knowledge: lookup and the CRUD of entries, as an integrator calls them."""

import pytest

pytestmark = pytest.mark.django_db


def test_lookup_answers_a_known_question_and_abstains_otherwise(api, salon):
    known = api.post("/api/v1/knowledge/lookup", {"question": "How much is a men's haircut?"})
    assert known.status_code == 200
    body = known.data
    assert body["matched"] is True and "$45" in body["answer"] and body["source"] == "seed"
    assert isinstance(body["entry_id"], int) and 0 < body["score"] <= 1

    unknown = api.post("/api/v1/knowledge/lookup", {"question": "Do you sell gift vouchers?"}).data
    assert unknown == {
        "matched": False,
        "answer": None,
        "entry_id": None,
        "score": unknown["score"],
        "source": None,
        "decided_by": "matcher",
        "entry_ids": [],
    }


def test_two_things_asked_at_once_are_answered_by_an_entry_each(api, salon):
    body = api.post(
        "/api/v1/knowledge/lookup", {"question": "When do you open on Sunday, and is Apple Pay all right?"}
    ).data
    assert body["matched"] is True and body["entry_ids"][0] == body["entry_id"] and len(body["entry_ids"]) == 2
    assert "Sunday" in body["answer"] and "Apple Pay" in body["answer"]
    assert [api.get(f"/api/v1/knowledge/{i}").data["times_used"] for i in body["entry_ids"]] == [1, 1]


@pytest.mark.parametrize("body", [{}, {"question": "   "}, {"question": None}, {"question": "x" * 5000}])
def test_lookup_bad_bodies_are_422(api, salon, body):
    assert api.post("/api/v1/knowledge/lookup", body).status_code == 422


def test_create_get_patch_and_delete_an_entry(api, salon):
    created = api.post("/api/v1/knowledge", {"question": "Do you have wifi?", "answer": "Yes, ask at the desk."})
    assert created.status_code == 201
    entry = created.data
    assert entry["source"] == "manual" and entry["active"] and entry["help_request_id"] is None
    assert entry["times_used"] == 0 and entry["created_at"] and entry["updated_at"]
    assert api.post("/api/v1/knowledge/lookup", {"question": "Do you have wifi?"}).data["entry_id"] == entry["id"]
    assert api.get(f"/api/v1/knowledge/{entry['id']}").data["times_used"] == 1

    patched = api.patch(f"/api/v1/knowledge/{entry['id']}", {"answer": "Yes: the password is on the mirror."}).data
    assert patched["answer"] == "Yes: the password is on the mirror." and patched["question"] == "Do you have wifi?"

    assert api.delete(f"/api/v1/knowledge/{entry['id']}").status_code == 204
    assert api.get(f"/api/v1/knowledge/{entry['id']}").data["active"] is False
    assert api.post("/api/v1/knowledge/lookup", {"question": "Do you have wifi?"}).data["matched"] is False


def test_list_filters_by_source_and_text_and_paginates(api, salon):
    api.post("/api/v1/knowledge", {"question": "Do you have wifi?", "answer": "Yes."})
    everything = api.get("/api/v1/knowledge").data
    seeds = api.get("/api/v1/knowledge?source=seed").data
    manual = api.get("/api/v1/knowledge?source=manual").data
    assert everything["count"] == seeds["count"] + 1 and manual["count"] == 1
    assert all(e["source"] == "seed" for e in seeds["items"])
    balayage = api.get("/api/v1/knowledge?q=balayage").data["items"]
    assert balayage and all("balayage" in (e["question"] + e["answer"]).lower() for e in balayage)
    assert len(api.get("/api/v1/knowledge?limit=3&offset=2").data["items"]) == 3
    assert api.get("/api/v1/knowledge?source=rumour").status_code == 422


def test_errors_are_sentences(api, salon):
    missing = api.get("/api/v1/knowledge/99999")
    assert missing.status_code == 404 and missing.data["detail"] == "There is no knowledge entry with id 99999."
    assert api.patch("/api/v1/knowledge/99999", {"answer": "x"}).status_code == 404
    assert api.delete("/api/v1/knowledge/99999").status_code == 404
    assert api.post("/api/v1/knowledge", {"question": "Q?", "answer": " "}).status_code == 422
    entry_id = api.get("/api/v1/knowledge").data["items"][0]["id"]
    assert api.patch(f"/api/v1/knowledge/{entry_id}", {"answer": None}).status_code == 422
