"""What the matcher's specifications share: the demo salon's index, and what it answers."""

from knowledge.analysis import Vocabulary
from knowledge.matching import Document, Index
from knowledge.seed import build_facts, load_profile
from knowledge.vocabulary import Term


def seed_index(*learned: Document, terms: tuple[Term, ...] | None = None) -> Index:
    """The index of the demo salon's seeded facts (knowledge/fixtures/salon.yaml), with `learned`
    entries beside them and the bundled vocabulary, or `terms` instead of it. No database."""
    profile = load_profile()
    documents = [Document(i, f.question, f.answer, "seed") for i, f in enumerate(build_facts(profile), start=1)]
    return Index([*documents, *learned], Vocabulary.from_profile(profile, terms))


def answer_to(index: Index, question: str) -> str | None:
    """The answer a caller asking `question` would hear, or None when it goes to a person."""
    match = index.best(question)
    return match.document.answer if match.matched else None
