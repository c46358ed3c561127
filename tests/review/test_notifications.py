"""E-mails of the review: who gets which, in which language, when, and what a failing mail server
does (nothing to the action; the mail waits for ``send_pending_mail``)."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import trans_real

from questionnaire.models import Round, Submission
from review import notifications
from review.models import DeadlineExtension, OutgoingMail, Reminder
from review.services.queries import query_raise, query_reply
from review.services.rounds import round_close, round_publish
from review.services.submissions import (
    submission_reopen,
    submission_return,
    submission_submit,
    submission_validate,
)
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RegionFactory,
    RoundFactory,
)
from tests.questionnaire.factories import SubmissionFactory, answer_all

SITE = "https://policyindex.example.org"

# The French of the sentences these tests read, as the catalogue is to hold it: the tests check
# that each mail is written in its recipient's language, whatever the catalogue's wording.
FRENCH = {
    "%(country)s: your answers were returned for corrections (%(round)s)": (
        "%(country)s : vos réponses vous sont renvoyées pour correction (%(round)s)"
    ),
    "%(country)s: a question about your answers (%(round)s)": (
        "%(country)s : une question sur vos réponses (%(round)s)"
    ),
    "%(country)s: the questionnaire for %(round)s closes on %(date)s": (
        "%(country)s : le questionnaire de %(round)s ferme le %(date)s"
    ),
}


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every connection (as Django's SMTP backend reports it)."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


REFUSING = f"{__name__}.RefusingBackend"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def french(monkeypatch):
    catalogue = trans_real.translation("fr")._catalog._catalogs[0]
    for msgid, msgstr in FRENCH.items():
        monkeypatch.setitem(catalogue, msgid, msgstr)


@pytest.fixture
def open_round(instrument):
    return RoundFactory(
        version=instrument, code="round-open", name="Open round", name_fr="Tour ouvert"
    )


@pytest.fixture
def senegal(db):
    return CountryFactory(iso3="SEN", name="Senegal", name_fr="Sénégal")


@pytest.fixture
def awa(senegal):
    """A focal point of Senegal who reads French."""
    return FocalPointFactory(username="awa", preferred_language="fr", countries=[senegal])


@pytest.fixture
def moussa(senegal):
    """A focal point of Senegal who reads English."""
    return FocalPointFactory(username="moussa", preferred_language="en", countries=[senegal])


@pytest.fixture
def unreachable(senegal):
    """Focal points of Senegal who get nothing: one left, one without an address."""
    return [
        FocalPointFactory(username="gone", is_active=False, countries=[senegal]),
        FocalPointFactory(username="no-address", email="", countries=[senegal]),
    ]


@pytest.fixture
def analyst(db):
    """Reviews every country; reads Spanish."""
    return AnalystFactory(username="ana", preferred_language="es")


@pytest.fixture
def regional_analyst(senegal):
    return AnalystFactory(username="ibrahima", regions=[senegal.sdg_region])


@pytest.fixture
def other_analyst(db):
    """An analyst of another region: never told about Senegal."""
    return AnalystFactory(username="olga", regions=[RegionFactory(kind="sdg", name="Elsewhere")])


@pytest.fixture
def people(awa, moussa, unreachable, analyst, regional_analyst, other_analyst):
    return {"awa": awa, "moussa": moussa, "ana": analyst, "ibrahima": regional_analyst}


@pytest.fixture
def draft(open_round, senegal):
    return SubmissionFactory(round=open_round, country=senegal)


def submit(submission, by):
    answer_all(submission)
    submission.refresh_from_db()
    return submission_submit(submission=submission, by=by, confirmed_revision=submission.revision)


def sent_to(username=None):
    """The mails in the outbox, by recipient's address."""
    mails = {m.to[0].split("@")[0]: m for m in mail.outbox}
    return mails if username is None else mails[username]


def test_a_submission_is_announced_to_the_analysts_with_the_country_in_scope(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, by=people["moussa"])

    assert set(sent_to()) == {"ana", "ibrahima"}
    ibrahima = sent_to("ibrahima")
    assert ibrahima.subject == "Senegal: answers submitted for review (Open round)"
    assert "Senegal submitted its answers for Open round (version 1)" in ibrahima.body
    assert f"{SITE}/review/rounds/round-open/countries/SEN/" in ibrahima.body
    assert ibrahima.body.startswith("Dear ibrahima,")
    # Ana reads Spanish: the mail is written in it (the country keeps its name, having no Spanish).
    assert OutgoingMail.objects.get(to_address=sent_to("ana").to[0]).language == "es"


def test_nobody_is_told_of_their_own_action(people, draft, django_capture_on_commit_callbacks):
    answer_all(draft)
    draft.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(
            submission=draft,
            by=people["ana"],
            confirmed_revision=draft.revision,
            on_behalf=True,
            source="The questionnaire the ministry posted on 2 May",
        )

    assert set(sent_to()) == {"ibrahima"}
    body = sent_to("ibrahima").body
    assert "were entered on the country's behalf and submitted for review" in body
    assert "Source: The questionnaire the ministry posted on 2 May" in body


def test_nothing_is_sent_before_the_action_commits(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(draft, by=people["moussa"])

    assert mail.outbox == []
    assert OutgoingMail.objects.filter(sent_at=None).count() == 2
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert not OutgoingMail.objects.filter(sent_at=None).exists()


def test_an_action_that_is_rolled_back_sends_nothing(
    people, draft, django_capture_on_commit_callbacks
):
    submit(draft, by=people["moussa"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        query_raise(submission=draft, by=people["ana"], text="Which law is this?")
        raise RuntimeError("the rest of the action failed")

    assert callbacks == []
    assert mail.outbox == []
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.QUERY_RAISED).exists()


def test_a_returned_submission_tells_the_focal_points_why_in_their_language(
    people, draft, french, django_capture_on_commit_callbacks
):
    submit(draft, by=people["moussa"])
    item = draft.round.version.items.get(code="1a")
    query_raise(submission=draft, by=people["ana"], item=item, text="Which law is this?")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submission_return(submission=draft, by=people["ana"], reason="Item 1a needs a source.")

    assert set(sent_to()) == {"awa", "moussa"}  # not the one who left, nor the one without address
    moussa = sent_to("moussa")
    assert moussa.subject == "Senegal: your answers were returned for corrections (Open round)"
    assert "Item 1a needs a source." in moussa.body
    assert "- 1a: Which law is this?" in moussa.body
    assert f"{SITE}/rounds/round-open/countries/SEN/questionnaire/" in moussa.body
    awa = sent_to("awa")
    assert awa.subject == "Sénégal : vos réponses vous sont renvoyées pour correction (Tour ouvert)"
    assert awa.extra_headers["Content-Language"] == "fr"


def test_a_new_query_and_an_analysts_message_go_to_the_focal_points(
    people, draft, french, django_capture_on_commit_callbacks
):
    submit(draft, by=people["moussa"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        query = query_raise(submission=draft, by=people["ana"], text="Is the 2019 act in force?")
    assert set(sent_to()) == {"awa", "moussa"}
    assert sent_to("awa").subject == "Sénégal : une question sur vos réponses (Tour ouvert)"
    assert "Is the 2019 act in force?" in sent_to("moussa").body
    assert f"{SITE}/rounds/round-open/countries/SEN/questionnaire/" in sent_to("moussa").body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        query_reply(query=query, by=people["ibrahima"], text="And the 2021 decree?")
    assert set(sent_to()) == {"awa", "moussa"}
    assert sent_to("moussa").subject == (
        "Senegal: a new message on a question about your answers (Open round)"
    )


def test_the_countrys_reply_goes_to_the_analyst_who_asked(
    people, draft, django_capture_on_commit_callbacks
):
    submit(draft, by=people["moussa"])
    query = query_raise(submission=draft, by=people["ibrahima"], text="Is it in force?")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        query_reply(query=query, by=people["awa"], text="Oui, depuis 2019.")

    assert set(sent_to()) == {"ibrahima"}
    assert sent_to("ibrahima").subject == "Senegal answered a query (Open round)"
    assert "Oui, depuis 2019." in sent_to("ibrahima").body


def test_validation_and_reopening_tell_the_country(
    people, draft, django_capture_on_commit_callbacks
):
    submit(draft, by=people["moussa"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submission_validate(submission=draft, by=people["ibrahima"])
    assert set(sent_to()) == {"awa", "moussa"}
    assert sent_to("moussa").subject == "Senegal: your answers were validated (Open round)"
    assert "Score: " in sent_to("moussa").body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submission_reopen(submission=draft, by=AdministratorFactory(), reason="A wrong answer.")
    # The focal points, to correct; the analysts in scope, to follow.
    assert set(sent_to()) == {"awa", "moussa", "ana", "ibrahima"}
    assert "A wrong answer." in sent_to("moussa").body
    assert "/questionnaire/" in sent_to("moussa").body


def test_a_publication_tells_the_rounds_focal_points_and_the_analysts(
    people, draft, django_capture_on_commit_callbacks
):
    FocalPointFactory(username="lars", countries=[CountryFactory(iso3="DNK")])
    submit(draft, by=people["moussa"])
    submission_validate(submission=draft, by=people["ibrahima"])
    administrator = AdministratorFactory()
    round_close(round=draft.round, by=administrator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        round_publish(round=draft.round, by=administrator)

    # Denmark has no submission in the round: its focal point is not concerned.
    assert set(sent_to()) == {"awa", "moussa", "ana", "ibrahima", "olga"}
    assert sent_to("moussa").subject == "Results published: Open round"
    assert f"{SITE}/results/round-open/" in sent_to("moussa").body


def test_a_refusing_mail_server_breaks_no_action_and_the_mail_is_sent_later(
    people, draft, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, by=people["moussa"])
    mail.outbox.clear()
    settings.EMAIL_BACKEND = REFUSING

    with django_capture_on_commit_callbacks(execute=True):
        query = query_raise(submission=draft, by=people["ana"], text="Is the act in force?")

    assert query.pk and query.messages.count() == 1  # the action happened
    waiting = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.QUERY_RAISED)
    assert [(m.sent_at, m.attempts) for m in waiting] == [(None, 1), (None, 1)]
    assert all("ConnectionRefusedError" in m.last_error for m in waiting)

    call_command("send_pending_mail", stdout=(still := _Output()))
    assert "0 e-mails sent." in still.text
    assert "2 e-mails still not sent:" in still.text
    assert "Connection refused" in still.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_mail", stdout=(later := _Output()))
    assert "2 e-mails sent." in later.text
    assert set(sent_to()) == {"awa", "moussa"}
    assert [m.attempts for m in waiting.order_by("pk")] == [3, 3]
    assert not waiting.filter(sent_at=None).exists()

    call_command("send_pending_mail", stdout=(again := _Output()))
    assert "0 e-mails sent." in again.text
    assert len(mail.outbox) == 2  # nothing is sent twice


def test_the_notification_functions_skip_whoever_cannot_be_reached(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.submission_returned(submission=draft, reason="Check 2b.", by=people["ana"])

    assert set(sent_to()) == {"awa", "moussa"}
    assert set(OutgoingMail.objects.values_list("recipient__username", flat=True)) == {
        "awa",
        "moussa",
    }


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# --- reminders -----------------------------------------------------------------------------------


@pytest.fixture
def closing_soon(instrument):
    """A round open for the countries, closing in ten days."""
    today = timezone.localdate()
    return RoundFactory(
        version=instrument,
        code="closing-soon",
        name="Closing round",
        name_fr="Tour qui ferme",
        opens_on=today - datetime.timedelta(days=50),
        closes_on=today + datetime.timedelta(days=10),
    )


def remind(**options) -> str:
    """Runs the cron command; these tests commit, so each mail goes as its reminder is recorded."""
    output = _Output()
    call_command("send_deadline_reminders", stdout=output, **options)
    return output.text


@pytest.mark.django_db(transaction=True)
def test_focal_points_who_have_not_submitted_are_reminded_once(
    closing_soon, awa, moussa, unreachable, french
):
    closes_on = closing_soon.closes_on

    first = remind(days=14)

    assert "2 reminders sent." in first
    assert set(sent_to()) == {"awa", "moussa"}
    assert sent_to("moussa").subject == (
        f"Senegal: the questionnaire for Closing round closes on "
        f"{date_format(closes_on, 'DATE_FORMAT')}"
    )
    assert "10 days left." in sent_to("moussa").body
    assert f"{SITE}/rounds/closing-soon/countries/SEN/questionnaire/" in sent_to("moussa").body
    with translation.override("fr"):
        french_date = date_format(closes_on, "DATE_FORMAT")
    assert sent_to("awa").subject == (
        f"Sénégal : le questionnaire de Tour qui ferme ferme le {french_date}"
    )

    # The daily cron runs again, twice the same day or the next day: nobody hears it again.
    assert "0 reminders sent." in remind(days=14)
    assert "0 reminders sent." in remind(days=14)
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_second_notice_closer_to_the_date_is_another_reminder(closing_soon, moussa):
    remind(days=14)
    remind(days=3)  # not yet: ten days left
    assert len(mail.outbox) == 1

    closing_soon.closes_on = timezone.localdate() + datetime.timedelta(days=2)
    closing_soon.save()
    remind(days=3)
    remind(days=3)
    assert len(mail.outbox) == 2
    assert "2 days left." in mail.outbox[-1].body


@pytest.mark.django_db(transaction=True)
def test_countries_that_submitted_or_have_time_are_not_reminded(closing_soon, senegal, moussa):
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    FocalPointFactory(username="wanjiru", countries=[kenya])
    mexico = CountryFactory(iso3="MEX", name="Mexico")
    FocalPointFactory(username="lupita", countries=[mexico])
    ghana = CountryFactory(iso3="GHA", name="Ghana")
    FocalPointFactory(username="kofi", countries=[ghana])
    SubmissionFactory(round=closing_soon, country=kenya, state=Submission.State.SUBMITTED)
    SubmissionFactory(round=closing_soon, country=mexico, state=Submission.State.VALIDATED)
    SubmissionFactory(round=closing_soon, country=senegal, state=Submission.State.RETURNED)
    DeadlineExtension.objects.create(
        round=closing_soon,
        country=ghana,
        closes_on=timezone.localdate() + datetime.timedelta(days=40),
        reason="Elections",
    )
    mail.outbox.clear()  # the validation's own notice to Mexico is not a reminder

    remind(days=14)

    # Senegal's answers came back to it: not submitted, so reminded.
    assert set(sent_to()) == {"moussa"}


@pytest.mark.django_db(transaction=True)
def test_closed_rounds_and_past_deadlines_send_no_reminder(instrument, moussa):
    today = timezone.localdate()
    RoundFactory(
        version=instrument,
        state=Round.State.CLOSED,
        opens_on=today - datetime.timedelta(days=50),
        closes_on=today + datetime.timedelta(days=5),
    )
    RoundFactory(
        version=instrument,
        opens_on=today - datetime.timedelta(days=50),
        closes_on=today - datetime.timedelta(days=1),
    )

    assert "0 reminders sent." in remind(days=14)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_reminder_the_mail_server_refused_is_recorded_and_sent_later(
    closing_soon, moussa, settings
):
    settings.EMAIL_BACKEND = REFUSING

    output = remind(days=14)

    assert "1 reminder sent." in output
    assert "could not be e-mailed yet" in output
    assert "ConnectionRefusedError" in output
    assert "0 reminders sent." in remind(days=14)  # recorded: not written twice

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_mail", stdout=_Output())
    assert set(sent_to()) == {"moussa"}
