"""`make bench` measures of the offline questionnaire.

A country whose 30 items are answered with evidence: building its workbook (read from the database,
built and saved) is timed against bare openpyxl writing the same cell values to the same sheets;
the dry run of an upload of that workbook with ten changed answers (file checks, read-only parsing,
the signature, every cell checked, the merge with what is saved) against bare openpyxl opening the
same file in read-only mode and reading every cell of its sheets. Both in the same run.
"""

import io

from openpyxl import Workbook, load_workbook

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare
from questionnaire.instrument_cache import version_items
from questionnaire.models import Answer, Round
from questionnaire.services.submissions import start_submission

from .template_data import template_data
from .uploads import pending_from_workbook, plan_upload
from .workbook_reader import open_filled_workbook
from .workbook_template import build_questionnaire_workbook

ROUND = "inquiry-13-2021"


def _answered():
    round_ = Round.objects.select_related("version").get(code=ROUND)
    country = Country.objects.get(iso3="KEN")
    user = User.objects.create_user(
        username="bench-offline", role=User.Role.FOCAL_POINT, first_name="Bench"
    )
    submission = start_submission(round=round_, country=country, by=user)
    items = {item.pk: item for item in version_items(round_.version)}
    answers = list(Answer.objects.filter(submission=submission))
    for index, answer in enumerate(answers):
        item = items[answer.item_id]
        answer.option_code = item.options[index % len(item.options)].code
        answer.policy_name = f"Migration Act, section {item.code}"
        answer.policy_year = 1990 + index
        answer.link = f"https://laws.example.org/{item.code}"
        answer.citation = f"Article {index + 1}" if index % 7 else f"=Article {index + 1}"
        answer.comment = "The policy applies to all migrants regardless of status. " * (index % 3)
    Answer.objects.bulk_update(
        answers, ["option_code", "policy_name", "policy_year", "link", "citation", "comment"]
    )
    submission.refresh_from_db()
    return round_, country, submission, user


def _template(round_, country, submission, user) -> bytes:
    data = template_data(
        round=round_,
        country=country,
        submission=submission,
        language="fr",
        by=user,
        upload_url="https://policyindex.example.org/upload/",
    )
    buffer = io.BytesIO()
    build_questionnaire_workbook(data).save(buffer)
    return buffer.getvalue()


def _cells(content: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook}
    finally:
        workbook.close()


def _bare_write(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bare_read(content: bytes) -> int:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return sum(1 for ws in workbook for row in ws.iter_rows(values_only=True) for _ in row)
    finally:
        workbook.close()


def _filled(content: bytes, items) -> bytes:
    from openpyxl import load_workbook as load

    from .layout import META_SHEET, WorkbookMeta

    workbook = load(io.BytesIO(content))
    rows = {k: v for k, v in workbook[META_SHEET].iter_rows(max_col=2, values_only=True)}
    rows.pop("checksum")
    meta = WorkbookMeta.from_rows(rows)
    sheet = workbook[meta.sheet]
    columns = dict(meta.columns)
    for index, item in enumerate(items[:10]):
        row = meta.first_row + index
        sheet.cell(row=row, column=columns["option_code"]).value = item.options[-1].label
        sheet.cell(row=row, column=columns["comment"]).value = f"Changed offline {index}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_and_dry_run() -> list[Result]:
    round_, country, submission, user = _answered()
    template = _template(round_, country, submission, user)
    sheets = _cells(template)
    built = compare(
        "offline.template_build",
        lambda: _template(round_, country, submission, user),
        lambda: _bare_write(sheets),
        target=2,
        baseline_name="bare openpyxl writing the same cells to the same sheets",
        repeat=5,
        number=3,
    )
    upload = _filled(template, version_items(round_.version))

    def dry_run():
        filled = open_filled_workbook(upload)
        pending = pending_from_workbook(
            filled, content=upload, file_name="filled.xlsx", user=user, on_behalf=False, source=""
        )
        plan = plan_upload(pending, round=round_, country=country)
        assert len(plan.plan.to_write) >= 10, plan.plan.to_write
        return plan

    checked = compare(
        "offline.upload_dry_run",
        dry_run,
        lambda: _bare_read(upload),
        target=2,
        baseline_name="bare openpyxl (read-only) reading every cell of the same file",
        repeat=5,
        number=3,
    )
    return [built, checked]


MEASURES = [template_and_dry_run]
