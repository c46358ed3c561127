"""Demo users and data come from `make run` (the load_demo command) only, and loading is idempotent."""

import pytest
from django.core.management import call_command

from accounts.models import User
from fixtures.demo import DEMO_PASSWORD
from questionnaire.models import Submission


@pytest.mark.django_db
def test_migrations_alone_create_no_users():
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_command_creates_every_role_and_prints_the_logins(capsys):
    call_command("load_reference_data")
    call_command("load_demo")
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output and "fp-kenya" in output and "analyst-ssa" in output
    assert User.objects.get(username="admin").is_administrator
    assert User.objects.get(username="analyst-ssa").regions.get().name == "Sub-Saharan Africa"
    assert User.objects.get(username="fp-kenya").countries.get().iso3 == "KEN"
    assert User.objects.get(username="fp-mexico").check_password(DEMO_PASSWORD)
    focal_point_regions = set(
        User.objects.filter(role=User.Role.FOCAL_POINT).values_list(
            "countries__sdg_region", flat=True
        )
    )
    assert len(focal_point_regions) >= 4


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    call_command("load_reference_data")
    call_command("load_demo")
    users = list(User.objects.order_by("pk").values("username", "password", "role"))
    submissions = list(Submission.objects.order_by("pk").values())
    call_command("load_demo")
    assert list(User.objects.order_by("pk").values("username", "password", "role")) == users
    assert list(Submission.objects.order_by("pk").values()) == submissions
