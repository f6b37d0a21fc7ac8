"""What a service is for (issue 14): an occasion narrows a service only where the salon offers that
service for it. The salon's menu has a "Bridal and special-event updo" and no occasion kind of
anything else, so an updo for prom is that updo, a blowout for prom is the blowout, and a bridal
blowout, which the menu does not offer, goes to a person. Wordings written for these tests.
"""

import pytest

from knowledge.tests.support import answer_to


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("what would a blowout run me, it's for a charity gala", "$55"),
        ("how long is a blowout? I have a work party after", "45 minutes"),
        ("need a mens haircut before my job interview, how much", "$45"),
        ("how much for a blow dry for my sister's engagement party", "$55"),
    ],
)
def test_a_service_for_an_occasion_is_that_service(index, question, fact):
    assert fact in (answer_to(index, question) or "")


def test_a_word_no_entry_says_before_the_occasion_says_which_kind_of_occasion(index):
    assert "$45" in (answer_to(index, "can I get a men's cut before my retirement party, and what's the price") or "")


@pytest.mark.parametrize("whose", ["my dog's", "my dogs", "the puppy's"])
def test_whose_occasion_it_is_is_not_a_kind_of_occasion(index, whose):
    assert answer_to(index, f"how much is a haircut for {whose} birthday party") is None


def test_the_service_the_salon_offers_for_the_occasion_is_answered_for_it(index):
    assert "$150" in (answer_to(index, "price of an updo for my birthday party?") or "")


def test_an_occasion_said_as_the_kind_of_a_service_is_not_dropped(index):
    """A bridal blowout is not on the menu: the blowout's price is not its price."""
    assert answer_to(index, "how much is a bridal blowout") is None


def test_an_occasion_with_no_service_named_is_not_dropped(index):
    assert answer_to(index, "do you host birthday parties?") is None
    assert answer_to(index, "what do you charge for a party?") is None


def test_a_party_of_several_is_a_group_not_an_occasion(index):
    """A group booking is not in the salon's file: a person answers it."""
    assert answer_to(index, "can you do haircuts for a party of six?") is None


def test_what_a_fact_needs_for_the_occasion_is_still_asked_of_it(index):
    """A deposit is for bridal services: whether a blowout for a wedding is one is for a person."""
    assert answer_to(index, "is there a deposit for a blowout for my wedding?") is None
