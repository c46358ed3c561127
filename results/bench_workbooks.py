"""`make bench` measures of the Excel reports.

The round report of a round where all 197 countries answered the 30 items with evidence, built from
the database and saved, timed against bare openpyxl (write-only mode) writing the same cell values
to the same sheets in the same run; with its peak memory (tracemalloc), which write-only mode keeps
flat in the number of rows.
"""

import dataclasses
import datetime
import random
import tracemalloc
from io import BytesIO

from openpyxl import Workbook

from geography.models import Country
from kernel.benchmarking import Result, compare
from questionnaire.models import Round, Submission, SubmissionVersion
from questionnaire.models.versions import content_fingerprint
from results.report_data import round_report_data
from results.workbooks import build_round_report
from scoring import engine
from scoring.models import DomainScore, ScoreRecord
from scoring.services.scores import unsaved_domain_scores, unsaved_record

TEMPLATE_ROUND = "inquiry-13-2021"
BENCH_YEAR = 2097  # a round of its own: other measures change the real rounds


def _answers(rng: random.Random) -> dict[str, str]:
    return {
        code: rng.choice(list(domain.option_values))
        for domain in engine.DOMAINS
        for code in domain.item_codes
    }


def _evidence(rng: random.Random, code: str, answer: str) -> dict:
    if answer == "no":
        return {
            "option_code": answer,
            "policy_name": "",
            "policy_year": None,
            "link": "",
            "citation": "",
            "comment": "",
        }
    return {
        "option_code": answer,
        "policy_name": f"Migration Act {rng.randint(1990, 2021)}, section {code}",
        "policy_year": rng.randint(1990, 2021),
        "link": f"https://laws.example.org/{code}/{rng.randint(1, 10_000)}",
        # One text in twenty begins like a formula: the report must keep it text.
        "citation": ("=" if rng.random() < 0.05 else "") + f"Article {rng.randint(1, 99)}",
        "comment": "The policy applies to all migrants regardless of status. " * rng.randint(0, 3),
    }


def _answered_round() -> Round:
    template = Round.objects.get(code=TEMPLATE_ROUND)
    round_ = Round.objects.create(
        code=f"bench-report-{BENCH_YEAR}",
        name="Benchmark round",
        reference_year=BENCH_YEAR,
        version=template.version,
        opens_on=datetime.date(BENCH_YEAR, 1, 1),
        closes_on=datetime.date(BENCH_YEAR, 6, 30),
        state=Round.State.CLOSED,
    )
    rng = random.Random(1072)
    countries = list(Country.objects.order_by("pk"))
    submissions = Submission.objects.bulk_create(
        Submission(round=round_, country=c, state=Submission.State.VALIDATED) for c in countries
    )
    answer_sets = [_answers(rng) for _ in countries]
    contents = [
        {"answers": {c: _evidence(rng, c, a) for c, a in answers.items()}, "general_comment": ""}
        for answers in answer_sets
    ]
    versions = SubmissionVersion.objects.bulk_create(
        SubmissionVersion(
            submission=s,
            number=1,
            questionnaire_version_id=round_.version_id,
            revision=1,
            content=content,
            content_hash=content_fingerprint(content),
        )
        for s, content in zip(submissions, contents, strict=True)
    )
    results = [engine.compute_score(a) for a in answer_sets]
    records = []
    for submission, version, result in zip(submissions, versions, results, strict=True):
        record = unsaved_record(
            result=result, submission=submission, by=None, trigger="demo data", reason="benchmark"
        )
        record.submission_version = version
        records.append(record)
    records = ScoreRecord.objects.bulk_create(records)
    DomainScore.objects.bulk_create(
        row
        for record, result in zip(records, results, strict=True)
        for row in unsaved_domain_scores(record=record, result=result)
    )
    return round_


def _report(round_: Round) -> bytes:
    buffer = BytesIO()
    build_round_report(round_report_data(round_=round_, internal=True)).save(buffer)
    return buffer.getvalue()


def _bare_rows(round_: Round) -> dict[str, list[list]]:
    """The report's cell values, sheet by sheet, read back from the report itself."""
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(_report(round_)), read_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook}


def _bare_openpyxl(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _peak_memory(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def round_report_of_197_countries() -> list[Result]:
    round_ = _answered_round()
    sheets = _bare_rows(round_)
    assert len(sheets["Countries"]) == 198 and len(sheets["Answers"]) == 197 * 30 + 1
    report_peak = _peak_memory(lambda: _report(round_))
    bare_peak = _peak_memory(lambda: _bare_openpyxl(sheets))
    result = compare(
        "results.round_report_197_countries_30_answers",
        lambda: _report(round_),
        lambda: _bare_openpyxl(sheets),
        target=1.5,
        baseline_name="bare openpyxl (write-only) writing the same cells",
        repeat=3,
        number=1,
        rounds=2,
        note="peak memory in extra (tracemalloc, bytes)",
    )
    return [
        dataclasses.replace(
            result,
            extra={
                "peak_memory_bytes": report_peak,
                "baseline_peak_memory_bytes": bare_peak,
                "cells": sum(len(row) for rows in sheets.values() for row in rows),
            },
        )
    ]


MEASURES = [round_report_of_197_countries]
