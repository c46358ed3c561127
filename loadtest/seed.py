"""Run by `make loadtest` in a subprocess against its own fresh database (``DATABASE_URL``).

Creates a focal point for each of the 197 countries (``fp-<iso3 in lower case>``, the password in
``LOADTEST_PASSWORD``) and the previous round's validated answers of every country, so the page
shows them as it does in a real round. Each country's draft of the open round is started through
the app's own service where it has one, so the timed cycles are the steady state of a round
(otherwise the first save of each focal point creates it, inside the timed phases). The password is hashed once for all users: hashing it 197
times would only slow the setup.
"""

import os
import random
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyindex.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from geography.models import Country
    from questionnaire.models import Answer, Round, Submission

    password = make_password(os.environ["LOADTEST_PASSWORD"])
    countries = list(Country.objects.order_by("iso3"))
    previous = Round.objects.get(code="inquiry-13-2021")
    rng = random.Random(1072)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                username=f"fp-{c.iso3.lower()}",
                first_name=f"Focal point {c.iso3}",
                password=password,
                role=User.Role.FOCAL_POINT,
            )
            for c in countries
        )
        User.countries.through.objects.bulk_create(
            User.countries.through(user_id=u.pk, country_id=c.pk)
            for u, c in zip(users, countries, strict=True)
        )
        submissions = Submission.objects.bulk_create(
            Submission(round=previous, country=c, state=Submission.State.VALIDATED, revision=1)
            for c in countries
        )
        items = list(previous.version.items.select_related("response_set").order_by("order"))
        options = {
            item.pk: list(item.response_set.options.values_list("code", flat=True))
            for item in items
        }
        Answer.objects.bulk_create(
            (
                Answer(
                    submission=s,
                    item=item,
                    option_code=rng.choice(options[item.pk]),
                    policy_name=f"National Migration Policy, section {item.code}",
                    policy_year=2019,
                    link=f"https://legislation.example.org/2021/{item.code}",
                    citation="Official Gazette No. 42",
                )
                for s in submissions
                for item in items
            ),
            batch_size=2000,
        )
    started = _start_drafts(users, countries)
    sys.stdout.write(
        f"Load test data: {len(users)} focal points, {len(submissions)} validated "
        f"{previous.code} submissions, {started} open-round drafts started.\n"
    )
    # The last line: the countries, read by the load test to log their focal points in.
    sys.stdout.write(" ".join(c.iso3 for c in countries) + "\n")


def _start_drafts(users, countries) -> int:
    from questionnaire.models import Round

    try:
        from questionnaire.services.submissions import start_submission
    except ImportError:
        return 0
    open_round = Round.objects.get(code="demo-2025")
    for user, country in zip(users, countries, strict=True):
        start_submission(round=open_round, country=country, by=user)
    return len(users)


if __name__ == "__main__":
    main()
