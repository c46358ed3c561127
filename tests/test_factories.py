"""The factories themselves: a test's data must never depend on which tests ran before it."""

import pytest

from tests.factories import CountryFactory


@pytest.mark.django_db
@pytest.mark.parametrize("named_first", [True, False])
def test_a_generated_country_never_takes_a_real_countrys_code(named_first):
    if named_first:
        CountryFactory(name="Ghana", iso3="GHA", m49="288")
    CountryFactory.reset_sequence(288)  # the plain sequence would now give 288
    generated = CountryFactory()
    if not named_first:
        CountryFactory(name="Ghana", iso3="GHA", m49="288")

    assert generated.m49 == "289"  # the next code that is no real country's
