"""Importing focal points in bulk from a CSV or Excel file: a dry run first, then the import.

    plan = plan_import(filename="focal-points.csv", content=data)   # reads, checks, writes nothing
    apply_import(by=admin, filename="focal-points.csv", content=data)  # all or nothing

The file has one line of column names, then one person and country per line: ``name`` (or
``first_name`` and ``last_name``), ``email``, ``country`` (ISO alpha-3 or M49 code, or the English
name) and ``language`` (``en``, ``fr`` or ``es``). A person with several countries takes one line
per country. CSV files are UTF-8 (with or without a byte order mark), separated by commas or
semicolons; Excel files are .xlsx, read from their first sheet, and may hold no formula (its value
would be whatever Excel last computed, or nothing).

A new address invites a new focal point; a known focal point's address adds the country to their
assignments. Any problem (with its line number) stops the whole import.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from geography.models import Country

from . import services
from .models import User

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
# Only this many columns of a sheet are read.
MAX_COLUMNS = 50

COLUMN_NAMES = {
    "name": "name",
    "full name": "name",
    "first name": "first_name",
    "firstname": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "email": "email",
    "email address": "email",
    "mail": "email",
    "country": "country",
    "country code": "country",
    "iso3": "country",
    "language": "language",
    "lang": "language",
    "preferred language": "language",
}


class ImportFileError(Exception):
    """The file cannot be imported at all (its type, size, encoding or columns); the message is a
    sentence in the user's language."""


class ImportRefused(Exception):
    """The import found problems on some lines: nothing was written."""

    def __init__(self, plan: "Plan"):
        super().__init__(_("Nothing was imported: the file has problems."))
        self.plan = plan


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class Person:
    """A new focal point to invite."""

    email: str
    first_name: str
    last_name: str
    language: str
    countries: list[Country] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class Assignment:
    """Countries to add to a known focal point."""

    user: User
    countries: list[Country] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class Unchanged:
    line: int
    user: User
    country: Country


@dataclass
class Plan:
    creates: list[Person] = field(default_factory=list)
    updates: list[Assignment] = field(default_factory=list)
    unchanged: list[Unchanged] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return not self.problems and bool(self.creates or self.updates)


# ------------------------------------------------------------------------------ reading the file


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(content: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” (or as an Excel .xlsx file) "
                "and try again."
            )
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, previous_end = [], 0
    try:
        for values in reader:
            rows.append((previous_end + 1, [v.strip() for v in values]))
            previous_end = reader.line_num
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s of the file cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return rows


def _read_xlsx(content: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    unreadable = _("The file cannot be read as an Excel workbook (.xlsx).")
    try:
        # Not data_only: a formula must be seen to be refused (with data_only openpyxl would give
        # the value Excel last cached, or None for a file never opened in Excel).
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise ImportFileError(unreadable) from None
    rows = []
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file is empty."))
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    raise ImportFileError(
                        _(
                            "Cell %(cell)s holds a formula. Replace the formulas by their values "
                            "(copy, then paste values only) and try again."
                        )
                        % {"cell": cell.coordinate}
                    )
                values.append(_cell_text(cell.value))
            rows.append((number, values))
            if len(rows) > MAX_ROWS + 1:
                break
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise ImportFileError(unreadable) from None
    finally:
        workbook.close()
    return rows


def read_rows(*, filename: str, content: bytes) -> tuple[dict[str, int], list[tuple[int, dict]]]:
    """The columns found and the non-blank data lines (line number, values by column)."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large: at most %(size)s KB can be imported at once.")
            % {"size": MAX_BYTES // 1024}
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        rows = _read_xlsx(content)
    elif suffix in (".csv", ".txt"):
        rows = _read_csv(content)
    else:
        raise ImportFileError(
            _("Only CSV (.csv) and Excel (.xlsx) files can be imported; this file is neither.")
        )
    rows = [(line, values) for line, values in rows if any(values)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(
            _("The file has more than %(count)s lines: split it and import each part.")
            % {"count": MAX_ROWS}
        )
    (_header_line, header), data = rows[0], rows[1:]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = " ".join(title.lower().replace("_", " ").replace("-", "").split())
        name = COLUMN_NAMES.get(key)
        if name is None:
            continue
        if name in columns:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in the first line.") % {"column": title}
            )
        columns[name] = index
    missing = [c for c in ("email", "country", "language") if c not in columns]
    if "name" not in columns and "first_name" not in columns:
        missing.insert(0, "name")
    if missing:
        raise ImportFileError(
            _(
                "The first line must name the columns name (or first_name and last_name), email, "
                "country and language. Missing: %(columns)s."
            )
            % {"columns": ", ".join(missing)}
        )
    if not data:
        raise ImportFileError(_("The file has column names but nobody in it."))

    def value(values: list[str], column: str) -> str:
        index = columns.get(column)
        return values[index].strip() if index is not None and index < len(values) else ""

    return columns, [
        (line, {column: value(values, column) for column in COLUMN_NAMES.values()})
        for line, values in data
    ]


# ------------------------------------------------------------------------------ the dry run


class _Countries:
    def __init__(self):
        self.by_code: dict[str, Country] = {}
        self.by_name: dict[str, Country] = {}
        for country in Country.objects.all():
            self.by_code[country.iso3.upper()] = country
            self.by_code[country.m49] = country
            self.by_name[" ".join(country.name.casefold().split())] = country

    def find(self, text: str) -> Country | None:
        code = text.strip().upper()
        if code.isdigit() and len(code) <= 3:
            code = code.zfill(3)
        return self.by_code.get(code) or self.by_name.get(" ".join(text.casefold().split()))


def plan_import(*, filename: str, content: bytes) -> Plan:
    """What importing the file would do, and every problem found, by line. Writes nothing.
    Raises ImportFileError when the file cannot be read at all."""
    _columns, rows = read_rows(filename=filename, content=content)
    countries = _Countries()
    plan = Plan()
    valid: list[tuple[int, str, str, str, str, Country]] = []
    for line, row in rows:
        problems = []
        first_name = row["name"] or row["first_name"]
        last_name = "" if row["name"] else row["last_name"]
        if not (first_name or last_name):
            problems.append(_("no name"))
        email = row["email"]
        if not email:
            problems.append(_("no e-mail address"))
        else:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("“%(email)s” is not a valid e-mail address") % {"email": email})
        country = None
        if not row["country"]:
            problems.append(_("no country"))
        else:
            country = countries.find(row["country"])
            if country is None:
                problems.append(
                    _("unknown country “%(country)s” (give its ISO alpha-3 or M49 code)")
                    % {"country": row["country"]}
                )
        language = row["language"].lower()
        if language not in services.LANGUAGE_CODES:
            problems.append(
                _("unknown language “%(language)s” (use %(codes)s)")
                % {"language": row["language"], "codes": ", ".join(services.LANGUAGE_CODES)}
                if language
                else _("no language (use %(codes)s)")
                % {"codes": ", ".join(services.LANGUAGE_CODES)}
            )
        if problems:
            plan.problems.extend(Problem(line, message) for message in problems)
            continue
        valid.append((line, email, first_name, last_name, language, country))

    keys = {email.lower() for _line, email, *_rest in valid}
    known: dict[str, list[User]] = {}
    for user in (
        User.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=keys)
        .prefetch_related("countries")
    ):
        known.setdefault(user.email_key, []).append(user)

    first_seen: dict[str, tuple[int, str, str, str]] = {}
    seen_pairs: dict[tuple[str, int], int] = {}
    people: dict[str, Person] = {}
    assignments: dict[int, Assignment] = {}
    for line, email, first_name, last_name, language, country in valid:
        key = email.lower()
        if (key, country.pk) in seen_pairs:
            plan.problems.append(
                Problem(
                    line,
                    _("the same person and country as line %(line)s")
                    % {"line": seen_pairs[key, country.pk]},
                )
            )
            continue
        if key in first_seen and first_seen[key][1:] != (first_name, last_name, language):
            plan.problems.append(
                Problem(
                    line,
                    _("the same e-mail address as line %(line)s with another name or language")
                    % {"line": first_seen[key][0]},
                )
            )
            continue
        seen_pairs[key, country.pk] = line
        first_seen.setdefault(key, (line, first_name, last_name, language))
        users = known.get(key, [])
        if len(users) > 1:
            plan.problems.append(
                Problem(line, _("several people have the address %(email)s") % {"email": email})
            )
            continue
        if not users:
            person = people.get(key)
            if person is None:
                person = people[key] = Person(email, first_name, last_name, language)
                plan.creates.append(person)
            person.countries.append(country)
            person.lines.append(line)
            continue
        user = users[0]
        if not user.is_focal_point:
            plan.problems.append(
                Problem(
                    line,
                    _("%(email)s belongs to someone who is not a focal point (%(role)s)")
                    % {"email": email, "role": user.get_role_display()},
                )
            )
        elif not user.is_active:
            plan.problems.append(
                Problem(
                    line,
                    _("%(email)s belongs to a deactivated person: reactivate them first")
                    % {"email": email},
                )
            )
        elif any(c.pk == country.pk for c in user.countries.all()):
            plan.unchanged.append(Unchanged(line, user, country))
        else:
            assignment = assignments.get(user.pk)
            if assignment is None:
                assignment = assignments[user.pk] = Assignment(user)
                plan.updates.append(assignment)
            assignment.countries.append(country)
            assignment.lines.append(line)
    plan.problems.sort(key=lambda p: p.line)
    return plan


# ------------------------------------------------------------------------------ the import


def apply_import(*, by, filename: str, content: bytes, site_url: str | None = None) -> Plan:
    """Imports the file in one transaction, checking it again first: invites the new focal points
    (e-mails sent after commit) and adds countries to known ones, each change recorded. Raises
    ImportRefused (nothing written) when any line has a problem."""
    services.require_manager(by)
    with transaction.atomic():
        plan = plan_import(filename=filename, content=content)
        if plan.problems:
            raise ImportRefused(plan)
        invited = []
        for person in plan.creates:
            user = services.create_invited_user(
                by=by,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                role=User.Role.FOCAL_POINT,
                countries=person.countries,
                preferred_language=person.language,
            )
            invited.append(user.pk)
        for assignment in plan.updates:
            current = list(assignment.user.countries.all())
            services.change_user(
                by=by, user=assignment.user, countries=[*current, *assignment.countries]
            )
        if invited:
            services.send_invitations_on_commit(
                invited, site_url=site_url or services.default_site_url()
            )
    return plan
