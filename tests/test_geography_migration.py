"""Moving countries and regions into the geography app keeps every row of an existing database.

The data is written with the historical models of the schema before the move (the factories
build today's models, which do not exist at that point), then the database is migrated forward.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from geography.models import Country, Region
from questionnaire.models import Submission

# The migrations that move the models; the state before the move is just before each of them.
MOVE = [
    ("accounts", "0004_move_geography_out"),
    ("scoring", "0003_move_geography_out"),
    ("questionnaire", "0006_move_geography_out"),
]


def nodes_before_the_move(executor) -> list[tuple[str, str]]:
    """The migration each app was at just before the move (whatever number it has today)."""
    graph = executor.loader.graph
    return [
        parent.key
        for app, name in MOVE
        for parent in graph.node_map[app, name].parents
        if parent.key[0] == app
    ]


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def populate_before_the_move(apps) -> None:
    Region = apps.get_model("questionnaire", "Region")
    Country = apps.get_model("questionnaire", "Country")
    User = apps.get_model("accounts", "User")
    QuestionnaireVersion = apps.get_model("questionnaire", "QuestionnaireVersion")
    Round = apps.get_model("questionnaire", "Round")
    Submission = apps.get_model("questionnaire", "Submission")

    africa = Region.objects.create(kind="m49_region", m49="002", name="Africa")
    eastern_africa = Region.objects.create(kind="m49_subregion", m49="014", name="Eastern Africa")
    sub_saharan = Region.objects.create(kind="sdg", m49="202", name="Sub-Saharan Africa")
    kenya = Country.objects.create(
        m49="404",
        iso3="KEN",
        iso2="KE",
        name="Kenya",
        name_fr="Kenya",
        un_status="member",
        m49_region=africa,
        m49_subregion=eastern_africa,
        sdg_region=sub_saharan,
    )
    user = User.objects.create(username="fp-kenya", password="!", role="focal_point")
    user.countries.add(kenya)
    user.regions.add(sub_saharan)
    version = QuestionnaireVersion.objects.create(code="inquiry-13", name="Thirteenth Inquiry")
    round_ = Round.objects.create(
        code="2021",
        name="Thirteenth Inquiry",
        reference_year=2021,
        opens_on=datetime.date(2021, 1, 1),
        closes_on=datetime.date(2021, 12, 31),
        version=version,
    )
    Submission.objects.create(round=round_, country=kenya, general_comment="Kept across the move")


@pytest.mark.django_db(transaction=True)
def test_countries_regions_assignments_and_submissions_survive_the_move_to_the_geography_app():
    try:
        executor = MigrationExecutor(connection)
        before = nodes_before_the_move(executor)
        executor.migrate([("geography", None), *before])
        executor.loader.build_graph()
        populate_before_the_move(executor.loader.project_state(before, at_end=True).apps)
        country_type = ContentType.objects.get(app_label="questionnaire", model="country")

        migrate_to_latest()

        kenya = Country.objects.get(iso3="KEN")
        assert (kenya.name, kenya.m49, kenya.iso2) == ("Kenya", "404", "KE")
        assert (kenya.m49_region.name, kenya.m49_subregion.name, kenya.sdg_region.name) == (
            "Africa",
            "Eastern Africa",
            "Sub-Saharan Africa",
        )
        assert Region.objects.count() == 3
        user = User.objects.get(username="fp-kenya")
        assert list(user.countries.all()) == [kenya]
        assert list(user.regions.values_list("m49", flat=True)) == ["202"]
        assert list(kenya.focal_points.all()) == [user]
        submission = Submission.objects.get(round__code="2021")
        assert submission.country == kenya
        assert submission.general_comment == "Kept across the move"
        assert list(kenya.submissions.all()) == [submission]
        # The admin's history and permissions of countries follow them to the new app.
        assert ContentType.objects.get(app_label="geography", model="country").pk == country_type.pk
    finally:
        migrate_to_latest()
