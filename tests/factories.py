"""factory_boy factories: each test builds just the data it needs."""

import csv
import datetime

import factory
from django.utils import timezone

from accounts.models import PasswordResetRequest, User
from fixtures.paths import COUNTRIES_FILE
from geography.models import Country, Region
from questionnaire.models import Round


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("kind", "m49")

    kind = Region.Kind.SDG
    m49 = factory.Sequence(lambda n: f"{900 - n % 900:03d}")
    name = factory.Sequence(lambda n: f"Region {n}")


def _real_country_codes() -> dict[str, frozenset[str]]:
    with COUNTRIES_FILE.open(encoding="utf-8") as rows:
        countries = list(csv.DictReader(rows))
    return {field: frozenset(row[field] for row in countries) for field in ("m49", "iso3")}


# Tests give named countries their real codes (Ghana is 288), in any order with generated
# ones, so a generated code is never a real one, nor one already in the database.
_REAL_CODES = _real_country_codes()


def _first_unused(field, codes):
    for code in codes:
        if code not in _REAL_CODES[field] and not Country.objects.filter(**{field: code}).exists():
            return code
    raise RuntimeError(f"every generated {field} is taken")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    m49 = factory.Sequence(
        lambda n: _first_unused("m49", (f"{(n + k) % 1000:03d}" for k in range(1000)))
    )
    iso3 = factory.Sequence(
        lambda n: _first_unused(
            "iso3", (f"X{(n + k) // 26 % 26 + 65:c}{(n + k) % 26 + 65:c}" for k in range(676))
        )
    )
    iso2 = factory.LazyAttribute(lambda o: o.iso3[:2])
    name = factory.Sequence(lambda n: f"Country {n}")
    name_fr = factory.LazyAttribute(lambda o: f"Pays {o.name}")
    un_status = Country.UNStatus.MEMBER
    m49_region = factory.SubFactory(RegionFactory, kind=Region.Kind.M49_REGION)
    m49_subregion = factory.SubFactory(RegionFactory, kind=Region.Kind.M49_SUBREGION)
    sdg_region = factory.SubFactory(RegionFactory, kind=Region.Kind.SDG)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    role = User.Role.FOCAL_POINT


class FocalPointFactory(UserFactory):
    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)


class AnalystFactory(UserFactory):
    role = User.Role.ANALYST

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class AdministratorFactory(UserFactory):
    role = User.Role.ADMINISTRATOR


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round by default, open today, on the given questionnaire version."""

    class Meta:
        model = Round

    code = factory.Sequence(lambda n: f"round-n{n}")  # never a code a test names
    name = factory.Sequence(lambda n: f"Round {n}")
    reference_year = factory.Sequence(lambda n: 2030 + n)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    @classmethod
    def _create(cls, model_class, *args, state=Round.State.OPEN, **kwargs):
        """Created planned, then taken to ``state`` through the review services."""
        from tests.workflow import move_round_to

        kwargs["state"] = Round.State.PLANNED
        round_ = super()._create(model_class, *args, **kwargs)
        return move_round_to(round_, state)


class PasswordResetRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PasswordResetRequest

    email = factory.Sequence(lambda n: f"someone{n}@example.org")
    ip_address = "198.51.100.1"
