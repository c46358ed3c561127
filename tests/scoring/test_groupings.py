"""The UN groupings (least developed countries, landlocked and small island developing States,
developed and developing regions) are aggregated like regions, with the membership of the round's
date: a country that graduated counts in the rounds before its graduation, not after."""

import csv
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fixtures.geography import load_countries
from fixtures.paths import GROUPINGS_FILE
from geography.models import (
    GROUPING_M49,
    Country,
    GroupingMembership,
    Region,
    grouping_reference_date,
    members_on,
)
from policyindex.access import aggregate_regions_visible_to
from questionnaire.models import Round
from review.services import rounds as round_services
from scoring.exports import migrp_rows
from scoring.models import Release
from scoring.selectors import round_aggregates
from scoring.services.releases import region_key
from scoring.services.scores import score_validated_submission
from tests.factories import AdministratorFactory, AnalystFactory, RoundFactory
from tests.scoring.factories import answers_for_overall, validated_submission

LDC, LLDC, SIDS, DEVELOPED, DEVELOPING = GROUPING_M49


@pytest.fixture
def round_of(instrument, all_countries):
    def make(year):
        return RoundFactory(version=instrument, reference_year=year)

    return make


def scored(round_, iso3, category):
    submission = validated_submission(
        round=round_,
        country=Country.objects.get(iso3=iso3),
        answers=answers_for_overall(category),
    )
    return score_validated_submission(submission=submission, by=None).record


def grouping(aggregates, m49):
    return next(
        a
        for a in aggregates.regions
        if a.region.kind == Region.Kind.GROUPING and a.region.m49 == m49
    )


def members_of(m49, day):
    return set(
        GroupingMembership.objects.filter(members_on(day), region__m49=m49).values_list(
            "country__iso3", flat=True
        )
    )


def test_a_round_reads_its_groupings_on_31_december_of_its_reference_year():
    assert grouping_reference_date(2024) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("year", "ldcs"),
    [
        (2019, 47),  # Vanuatu, Bhutan and São Tomé and Príncipe still least developed
        (2021, 46),  # Vanuatu graduated on 4 December 2020
        (2023, 45),  # Bhutan graduated on 13 December 2023
        (2025, 44),  # São Tomé and Príncipe graduated on 13 December 2024
    ],
)
def test_every_grouping_invites_its_members_of_the_round_year(round_of, year, ldcs):
    aggregates = round_aggregates(round=round_of(year))

    invited = {m49: grouping(aggregates, m49).invited for m49 in GROUPING_M49}
    assert invited == {LDC: ldcs, LLDC: 32, SIDS: 39, DEVELOPED: 51, DEVELOPING: 146}
    assert invited[DEVELOPED] + invited[DEVELOPING] == aggregates.world.invited == 197


def test_groupings_come_after_the_sdg_regions_in_a_fixed_order(round_of):
    regions = [a.region for a in round_aggregates(round=round_of(2021)).regions]
    kinds = [r.kind for r in regions]
    first_grouping = kinds.index(Region.Kind.GROUPING)
    assert kinds[0] == Region.Kind.WORLD
    assert set(kinds[1:first_grouping]) == {Region.Kind.SDG}
    assert [r.m49 for r in regions[first_grouping : first_grouping + 5]] == list(GROUPING_M49)
    assert Region.Kind.GROUPING not in kinds[first_grouping + 5 :]


def test_each_grouping_counts_the_categories_of_its_responding_members(round_of):
    round_ = round_of(2021)
    scored(round_, "NPL", 4)  # least developed, landlocked, developing
    scored(round_, "TUV", 3)  # least developed, small island, developing
    scored(round_, "FJI", 2)  # small island, developing
    scored(round_, "JPN", 1)  # developed

    aggregates = round_aggregates(round=round_)

    counts = {m49: grouping(aggregates, m49).measure("_T").counts for m49 in GROUPING_M49}
    assert counts == {
        LDC: [0, 0, 1, 1],
        LLDC: [0, 0, 0, 1],
        SIDS: [0, 1, 1, 0],
        DEVELOPED: [1, 0, 0, 0],
        DEVELOPING: [0, 1, 1, 1],
    }
    assert grouping(aggregates, LDC).measure("_T").percent_meeting == 100
    assert grouping(aggregates, SIDS).measure("_T").share_meeting == 0.5
    assert grouping(aggregates, DEVELOPED).measure("PD_1").responding == 1


def test_vanuatu_counts_as_least_developed_in_2019_and_not_in_2021(round_of):
    twelfth, thirteenth = round_of(2019), round_of(2021)
    scored(twelfth, "VUT", 4)
    scored(thirteenth, "VUT", 4)

    before = round_aggregates(round=twelfth)
    after = round_aggregates(round=thirteenth)

    assert grouping(before, LDC).measure("_T").counts == [0, 0, 0, 1]
    assert grouping(after, LDC).measure("_T").responding == 0
    # Still a small island developing State in both rounds.
    assert grouping(before, SIDS).measure("_T").responding == 1
    assert grouping(after, SIDS).measure("_T").responding == 1


def test_sao_tome_and_principe_is_least_developed_in_2023_not_in_2024_or_2025(round_of):
    rounds = {year: round_of(year) for year in (2023, 2024, 2025)}
    for round_ in rounds.values():
        scored(round_, "STP", 3)

    responding = {
        year: grouping(round_aggregates(round=r), LDC).measure("_T").responding
        for year, r in rounds.items()
    }
    assert responding == {2023: 1, 2024: 0, 2025: 0}


def test_a_result_carried_forward_counts_in_the_groupings_of_the_round_that_carries_it(
    round_of,
):
    twelfth, thirteenth = round_of(2019), round_of(2021)
    thirteenth.carries_forward.set([twelfth])
    scored(twelfth, "VUT", 4)  # least developed in 2019, graduated by the end of 2021

    aggregates = round_aggregates(round=thirteenth)

    assert grouping(aggregates, SIDS).measure("_T").responding == 1
    assert grouping(aggregates, LDC).measure("_T").responding == 0


def test_the_number_of_queries_does_not_depend_on_the_number_of_results(round_of):
    round_ = round_of(2021)
    scored(round_, "NPL", 4)
    with CaptureQueriesContext(connection) as few:
        round_aggregates(round=round_)
    for iso3 in ("TUV", "FJI", "JPN", "KEN", "MEX"):
        scored(round_, iso3, 3)
    with CaptureQueriesContext(connection) as many:
        round_aggregates(round=round_)
    assert len(many) == len(few) <= 7


# The country file's flags are those of the UNSD table as of June 2025 (../shared/reference/README.md):
# a fixed date, so that a later graduation does not turn this test red on its own.
COUNTRY_FILE_DATE = date(2025, 6, 30)


def test_the_members_agree_with_the_flags_of_the_country_file_at_its_date(all_countries):
    for m49, flag in ((LDC, "ldc"), (LLDC, "lldc"), (SIDS, "sids")):
        flagged = set(all_countries.filter(**{flag: True}).values_list("iso3", flat=True))
        assert members_of(m49, COUNTRY_FILE_DATE) == flagged, flag


def test_every_country_is_either_in_the_developed_or_in_the_developing_regions(all_countries):
    today = date.today()
    developed, developing = members_of(DEVELOPED, today), members_of(DEVELOPING, today)
    assert not developed & developing
    assert developed | developing == set(all_countries.values_list("iso3", flat=True))
    assert {"JPN", "AUS", "NZL", "CAN", "USA", "DEU", "ISR"} <= developed
    assert {"KOR", "SGP", "CHN", "BRA", "ZAF"} <= developing


def test_every_membership_in_the_data_file_names_a_source():
    with GROUPINGS_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    readme = (GROUPINGS_FILE.parent / "README.md").read_text(encoding="utf-8")
    unexplained = {row["source"] for row in rows if f"`{row['source']}`" not in readme}
    assert all(row["source"] for row in rows)
    assert unexplained == set()


def test_loading_twice_changes_no_membership_and_a_corrected_date_replaces_the_old_one(
    all_countries,
):
    before = list(GroupingMembership.objects.order_by("pk").values())
    load_countries()
    assert list(GroupingMembership.objects.order_by("pk").values()) == before

    vanuatu = GroupingMembership.objects.get(region__m49=LDC, country__iso3="VUT")
    vanuatu.member_until = date(2030, 1, 1)
    vanuatu.save()
    load_countries()

    assert list(
        GroupingMembership.objects.filter(region__m49=LDC, country__iso3="VUT").values_list(
            "member_until", flat=True
        )
    ) == [date(2020, 12, 4)]
    assert GroupingMembership.objects.count() == len(before)


def test_a_release_stores_the_groupings_and_reads_them_back_unchanged(round_of):
    round_ = round_of(2021)
    scored(round_, "NPL", 4)
    scored(round_, "TUV", 2)
    administrator = AdministratorFactory()
    round_services.round_close(round=round_, by=administrator)
    round_services.round_publish(round=round_, by=administrator)
    round_.refresh_from_db()
    assert round_.state == Round.State.PUBLISHED

    release = Release.objects.get(round=round_)
    assert release.aggregates[region_key(Region.Kind.GROUPING, LDC)]["_T"] == [0, 1, 0, 1]
    published = round_aggregates(round=round_)
    for m49 in GROUPING_M49:
        stored = release.aggregates[region_key(Region.Kind.GROUPING, m49)]
        measures = grouping(published, m49).measures
        assert stored == {b: m.counts for b, m in measures.items()}


def test_the_sdmx_percentages_include_a_row_for_each_grouping(round_of):
    round_ = round_of(2021)
    scored(round_, "NPL", 4)  # least developed, landlocked, developing
    scored(round_, "TUV", 2)  # least developed, small island, developing
    scored(round_, "JPN", 3)  # developed

    overall = {row.ref_area: row.value for row in migrp_rows(round=round_) if row.breakdown == "_T"}

    assert overall[199] == 50
    assert overall[432] == 100
    assert overall[722] == 0
    assert overall[514] == 100
    assert overall[515] == 50


def test_before_publication_a_scoped_analyst_sees_a_grouping_only_if_they_see_all_its_members(
    round_of,
):
    round_ = round_of(2021)
    sdg = {r.m49: r for r in Region.objects.filter(kind=Region.Kind.SDG)}
    # Europe and Northern America, Australia and New Zealand, Eastern Asia (Japan), Western Asia
    # (Israel, Cyprus): every developed country, and only some developing ones.
    analyst = AnalystFactory(regions=[sdg["513"], sdg["053"], sdg["753"], sdg["747"]])
    groupings = {r.m49: r.pk for r in Region.objects.filter(kind=Region.Kind.GROUPING)}

    visible = aggregate_regions_visible_to(analyst, round_)

    assert groupings[DEVELOPED] in visible
    assert groupings[DEVELOPING] not in visible
    assert groupings[LDC] not in visible
    assert sdg["513"].pk in visible


def test_a_published_round_keeps_its_frozen_grouping_counts_after_a_membership_correction(
    round_of,
):
    round_ = round_of(2021)
    scored(round_, "NPL", 4)
    scored(round_, "TUV", 2)
    administrator = AdministratorFactory()
    round_services.round_close(round=round_, by=administrator)
    round_services.round_publish(round=round_, by=administrator)
    round_.refresh_from_db()

    GroupingMembership.objects.filter(region__m49=LDC, country__iso3="NPL").delete()

    published = round_aggregates(round=round_)
    recomputed = round_aggregates(round=round_, frozen=False)
    assert grouping(published, LDC).measure("_T").counts == [0, 1, 0, 1]
    assert grouping(recomputed, LDC).measure("_T").counts == [0, 1, 0, 0]
