import pytest

from knowledge.matching import Index
from knowledge.tests.support import seed_index


@pytest.fixture(scope="session")
def index() -> Index:
    """The demo salon's seeded facts, indexed once for every specification that only reads them."""
    return seed_index()
