"""Importing focal points from a CSV or Excel file: the dry run writes nothing and shows each
problem with its line number; the import writes it all or nothing and sends the invitations."""

import io

import openpyxl
import pytest
from django.core import mail

from accounts.bulk_import import (
    MAX_BYTES,
    ImportFileError,
    ImportRefused,
    apply_import,
    plan_import,
)
from accounts.models import User, UserChange
from tests.factories import AdministratorFactory, AnalystFactory, CountryFactory, FocalPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def countries(db):
    return {
        "KEN": CountryFactory(iso3="KEN", m49="404", name="Kenya"),
        "SEN": CountryFactory(iso3="SEN", m49="686", name="Senegal"),
        "MEX": CountryFactory(iso3="MEX", m49="484", name="Mexico"),
        "AFG": CountryFactory(iso3="AFG", m49="004", name="Afghanistan"),
    }


def csv_bytes(text: str, *, bom=False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD_CSV = (
    "name,email,country,language\n"
    "Wanjiru Kamau,wanjiru@example.org,KEN,en\n"
    "Awa Ndiaye,awa@example.org,686,fr\n"
    "María López,maria@example.org,Mexico,es\n"
)


def nothing_written():
    return not User.objects.exists() and not UserChange.objects.exists() and not mail.outbox


def test_a_dry_run_shows_who_would_be_invited_and_writes_nothing(countries):
    plan = plan_import(filename="people.csv", content=csv_bytes(GOOD_CSV))
    assert [(p.email, p.language, [c.iso3 for c in p.countries]) for p in plan.creates] == [
        ("wanjiru@example.org", "en", ["KEN"]),
        ("awa@example.org", "fr", ["SEN"]),
        ("maria@example.org", "es", ["MEX"]),
    ]
    assert plan.problems == [] and plan.can_apply
    assert nothing_written()


@pytest.mark.parametrize("bom", [True, False])
def test_semicolons_and_a_byte_order_mark_are_understood(countries, bom):
    text = GOOD_CSV.replace(",", ";")
    plan = plan_import(filename="people.csv", content=csv_bytes(text, bom=bom))
    assert len(plan.creates) == 3 and plan.problems == []


def test_first_and_last_names_in_their_own_columns(countries):
    text = "First_Name,Last_Name,E-mail,Country,Language\nAwa,Ndiaye,awa@example.org,sen,FR\n"
    plan = plan_import(filename="people.csv", content=csv_bytes(text))
    person = plan.creates[0]
    assert (person.first_name, person.last_name, person.language) == ("Awa", "Ndiaye", "fr")


def test_each_problem_is_shown_with_its_line_number(countries):
    text = (
        "name,email,country,language\n"  # line 1
        "Wanjiru Kamau,wanjiru@example.org,KEN,en\n"  # 2
        "Nobody,nobody@example.org,Atlantis,en\n"  # 3: unknown country
        "Awa Ndiaye,awa-at-example.org,SEN,fr\n"  # 4: bad e-mail
        "\n"  # 5: blank, skipped
        "Wanjiru Kamau,WANJIRU@example.org,KEN,en\n"  # 6: duplicate of line 2
        "María López,maria@example.org,MEX,pt\n"  # 7: unknown language
    )
    plan = plan_import(filename="people.csv", content=csv_bytes(text))
    problems = [(p.line, p.message) for p in plan.problems]
    assert [line for line, _message in problems] == [3, 4, 6, 7]
    assert "Atlantis" in problems[0][1]
    assert "awa-at-example.org" in problems[1][1]
    assert "line 2" in problems[2][1]
    assert "pt" in problems[3][1]
    assert not plan.can_apply
    assert nothing_written()


def test_a_person_with_two_countries_takes_two_lines(countries):
    text = "name,email,country,language\nA B,ab@example.org,KEN,en\nA B,ab@example.org,SEN,en\n"
    plan = plan_import(filename="people.csv", content=csv_bytes(text))
    assert len(plan.creates) == 1
    assert [c.iso3 for c in plan.creates[0].countries] == ["KEN", "SEN"]
    assert plan.creates[0].lines == [2, 3]


def test_a_known_focal_point_is_given_the_new_country(
    countries, django_capture_on_commit_callbacks
):
    admin = AdministratorFactory()
    known = FocalPointFactory(email="wanjiru@example.org", countries=[countries["SEN"]])
    plan = plan_import(filename="people.csv", content=csv_bytes(GOOD_CSV))
    assert [(a.user, [c.iso3 for c in a.countries]) for a in plan.updates] == [(known, ["KEN"])]
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(by=admin, filename="people.csv", content=csv_bytes(GOOD_CSV))
    assert set(known.countries.values_list("iso3", flat=True)) == {"KEN", "SEN"}
    record = UserChange.objects.get(user=known)
    assert (record.field, record.old_value, record.new_value) == ("countries", "SEN", "KEN, SEN")
    assert record.changed_by == admin
    # The known focal point already has a password: only the two new people are invited.
    assert sorted(m.to[0] for m in mail.outbox) == ["awa@example.org", "maria@example.org"]


def test_a_line_already_in_place_changes_nothing(countries):
    FocalPointFactory(email="wanjiru@example.org", countries=[countries["KEN"]])
    plan = plan_import(filename="people.csv", content=csv_bytes(GOOD_CSV))
    assert [(u.line, u.country.iso3) for u in plan.unchanged] == [(2, "KEN")]
    assert plan.updates == []


def test_an_address_of_an_analyst_is_a_problem(countries):
    AnalystFactory(email="awa@example.org")
    plan = plan_import(filename="people.csv", content=csv_bytes(GOOD_CSV))
    assert [p.line for p in plan.problems] == [3]
    assert "not a focal point" in plan.problems[0].message


def test_the_import_invites_everyone_with_their_countries_and_language(
    countries, django_capture_on_commit_callbacks
):
    admin = AdministratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        plan = apply_import(
            by=admin,
            filename="people.csv",
            content=csv_bytes(GOOD_CSV),
            site_url="http://testserver",
        )
        assert mail.outbox == []
    assert len(plan.creates) == 3
    awa = User.objects.get(email="awa@example.org")
    assert awa.is_focal_point and not awa.has_usable_password()
    assert awa.preferred_language == "fr" and awa.first_name == "Awa Ndiaye"
    assert list(awa.countries.values_list("iso3", flat=True)) == ["SEN"]
    assert UserChange.objects.filter(user=awa, changed_by=admin, field="invited").exists()
    languages = {m.to[0]: m.extra_headers["Content-Language"] for m in mail.outbox}
    assert languages == {
        "wanjiru@example.org": "en",
        "awa@example.org": "fr",
        "maria@example.org": "es",
    }
    assert all("http://testserver/accounts/reset/" in m.body for m in mail.outbox)


def test_the_import_checks_again_and_writes_nothing_when_a_line_has_a_problem(countries):
    text = GOOD_CSV + "Nobody,nobody@example.org,Atlantis,en\n"
    with pytest.raises(ImportRefused) as refused:
        apply_import(by=AdministratorFactory(), filename="people.csv", content=csv_bytes(text))
    assert [p.line for p in refused.value.plan.problems] == [5]
    assert User.objects.count() == 1  # the administrator
    assert not UserChange.objects.exists()


def test_only_an_administrator_imports(countries):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        apply_import(by=AnalystFactory(), filename="people.csv", content=csv_bytes(GOOD_CSV))
    assert User.objects.count() == 1


# ------------------------------------------------------------------------------ Excel files


def test_an_excel_file_is_read_with_numeric_codes(countries):
    content = xlsx_bytes(
        [
            ["Name", "Email", "Country", "Language"],
            ["Wanjiru Kamau", "wanjiru@example.org", 404, "en"],
            ["Ahmad", "ahmad@example.org", 4, "en"],
        ]
    )
    plan = plan_import(filename="people.xlsx", content=content)
    assert [c.iso3 for p in plan.creates for c in p.countries] == ["KEN", "AFG"]
    assert plan.problems == []


def test_an_excel_file_with_a_formula_is_refused(countries):
    content = xlsx_bytes(
        [
            ["name", "email", "country", "language"],
            ["Wanjiru Kamau", "wanjiru@example.org", '=UPPER("ken")', "en"],
        ]
    )
    with pytest.raises(ImportFileError, match="C2 holds a formula"):
        plan_import(filename="people.xlsx", content=content)
    assert nothing_written()


# ------------------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("people.csv", b"", "empty"),
        ("people.csv", b"name,email,country,language\n", "nobody in it"),
        ("people.csv", b"name,email,country\nA,a@example.org,KEN\n", "Missing: language"),
        ("people.csv", b"email,country,language\na@example.org,KEN,en\n", "Missing: name"),
        ("people.pdf", b"%PDF-1.4", "Only CSV"),
        ("people.xls", b"\xd0\xcf\x11\xe0", "Only CSV"),
        ("people.xlsx", b"PK\x03\x04 not really a workbook", "cannot be read"),
        ("people.csv", "name,email\n".encode("utf-16"), "not UTF-8"),
        ("people.csv", b"x" * (MAX_BYTES + 1), "too large"),
        ("people.csv", b"name,name,email,country,language\n", "appears twice"),
    ],
    ids=[
        "empty",
        "header-only",
        "missing-column",
        "no-name-column",
        "pdf",
        "old-excel",
        "broken-xlsx",
        "utf-16",
        "too-large",
        "duplicate-column",
    ],
)
def test_a_file_that_cannot_be_imported_says_why(countries, filename, content, message):
    with pytest.raises(ImportFileError, match=message):
        plan_import(filename=filename, content=content)
    assert nothing_written()
