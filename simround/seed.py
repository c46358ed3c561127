"""Run by `make simulate-round` in a subprocess against its own fresh database (``DATABASE_URL``).

Creates a fresh round, opened through the review services as the system, and its people: two or
three focal points per country, analysts per SDG region (at least two, so that another analyst can
validate), one administrator. Each person gets a session as a login would write it (the login form
is exercised over HTTP for a few of them by the run): 500 logins would time the password hash, not
the round. Writes what the run needs as JSON to the path given as the only argument.
"""

import datetime
import json
import os
import sys

ROUND_CODE = "sim-2029"
REASON = "Simulated round (make simulate-round): opened by the system"


def logged_in_session(user):
    """An unsaved session row of ``user`` as the login form would write it (ModelBackend)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = SessionStore()
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    return Session(
        session_key=store._get_new_session_key(),
        session_data=store.encode(data),
        expire_date=timezone.now() + datetime.timedelta(days=1),
    )


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyindex.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from geography.models import Country
    from questionnaire.models import QuestionnaireVersion, Round
    from review.services.rounds import round_open

    password = make_password(os.environ["SIMROUND_PASSWORD"])
    today = timezone.localdate()
    version = QuestionnaireVersion.objects.order_by("-pk").first()
    with transaction.atomic():
        round_ = Round.objects.create(
            code=ROUND_CODE,
            name="Simulated round (2029)",
            name_fr="Cycle simulé (2029)",
            name_es="Ronda simulada (2029)",
            reference_year=2029,
            version=version,
            opens_on=today - datetime.timedelta(days=60),
            closes_on=today + datetime.timedelta(days=5),  # the deadline week
        )
        round_ = round_open(round=round_, by=None, reason=REASON)
        countries = list(Country.objects.select_related("sdg_region").order_by("iso3"))
        people: list[dict] = []
        users: list[User] = []

        def person(username: str, role: str, **extra) -> User:
            user = User(
                username=username,
                first_name=extra.pop("first_name"),
                email=f"{username}@sim.example.org",
                password=password,
                role=role,
            )
            users.append(user)
            people.append({"username": username, "role": role, **extra})
            return user

        focal = []
        for index, country in enumerate(countries):
            for k in range(3 if index % 3 == 0 else 2):
                user = person(
                    f"fp-{country.iso3.lower()}-{k + 1}",
                    User.Role.FOCAL_POINT,
                    first_name=f"Focal point {k + 1} of {country.iso3}",
                    iso3=country.iso3,
                )
                focal.append((user, country))
        regions = sorted({c.sdg_region for c in countries if c.sdg_region}, key=lambda r: r.m49)
        scoped = []
        for region in regions:
            members = sum(1 for c in countries if c.sdg_region_id == region.pk)
            for k in range(2 if members < 40 else 3):
                user = person(
                    f"an-{region.m49}-{k + 1}",
                    User.Role.ANALYST,
                    first_name=f"Analyst {k + 1} of region {region.m49}",
                    region=region.m49,
                    countries=[c.iso3 for c in countries if c.sdg_region_id == region.pk],
                )
                scoped.append((user, region))
        person("sim-admin", User.Role.ADMINISTRATOR, first_name="Round administrator")
        for user in users:
            user.is_staff = user.is_superuser = user.role == User.Role.ADMINISTRATOR
        User.objects.bulk_create(users)
        saved = {
            u.username: u for u in User.objects.filter(username__in=[u.username for u in users])
        }
        User.countries.through.objects.bulk_create(
            User.countries.through(user_id=saved[u.username].pk, country_id=c.pk) for u, c in focal
        )
        User.regions.through.objects.bulk_create(
            User.regions.through(user_id=saved[u.username].pk, region_id=r.pk) for u, r in scoped
        )
        sessions = []
        for entry in people:
            session = logged_in_session(saved[entry["username"]])
            sessions.append(session)
            entry["session"] = session.session_key
        Session.objects.bulk_create(sessions)
    people.sort(key=lambda p: p["username"])
    items = list(version.items.select_related("response_set").order_by("order"))
    with open(path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "round": round_.code,
                "countries": [c.iso3 for c in countries],
                "regions": [r.m49 for r in regions],
                "items": [i.code for i in items],
                "people": people,
            },
            out,
        )
    print(
        f"Simulation data: round {round_.code} open; {len(countries)} countries, "
        f"{len(focal)} focal points, {len(scoped)} analysts in {len(regions)} SDG regions, "
        "1 administrator."
    )


if __name__ == "__main__":
    main(sys.argv[1])
