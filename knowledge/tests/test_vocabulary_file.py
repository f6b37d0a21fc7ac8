"""The bundled vocabulary (knowledge/fixtures/vocabulary.yaml) says each phrase once. A phrase in two
groups means whatever the later group says (`load_terms`), so the earlier group would tell its
reader something the matcher does not do."""

from collections import Counter

from core.datafiles import read_yaml
from knowledge.vocabulary import DEFAULT_VOCABULARY, VocabularyError


def test_each_phrase_of_the_bundled_vocabulary_is_in_one_group():
    groups = read_yaml(DEFAULT_VOCABULARY, "vocabulary file", VocabularyError)
    said = Counter(" ".join(str(word).lower().split()) for group in groups for word in group["words"])
    assert [phrase for phrase, times in said.items() if times > 1] == []
