"""Importing results published by the UN (SDMX-CSV of series SG_CPA_MIGRS)."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from geography.models import Country
from questionnaire.models import Round
from scoring import sdmx
from scoring.models import PublishedResult, ResultImport
from scoring.selectors import current_published_values
from scoring.services.releases import freeze_release


@dataclass(frozen=True)
class ImportOutcome:
    problems: tuple[sdmx.Problem, ...] = ()
    observations: int = 0
    new_values: int = 0
    changed_values: int = 0
    unchanged_values: int = 0
    skipped_other_series: int = 0
    result_import: ResultImport | None = None
    changes: tuple[dict, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def import_published_results(
    *, data: bytes, file_name: str, by=None, reason: str = "", revise_release: bool = False
) -> ImportOutcome:
    """Reads the file and, only if it has no problem at all, records every new or changed value
    with the import it came from. Values equal to the current published ones write nothing; a file
    that changes nothing writes no import either.

    A value for a published round is refused unless the import is a reasoned revision of that
    round's release (``revise_release``); then each such round gets a new release."""
    read = sdmx.read_sdmx_csv(data, series=sdmx.MIGRS)
    problems = list(read.problems)
    countries = dict(
        Country.objects.filter(m49__in={o.ref_area for o in read.observations}).values_list(
            "m49", "pk"
        )
    )
    with transaction.atomic():
        rounds = {
            r.reference_year: r
            for r in Round.objects.select_for_update().filter(
                reference_year__in={o.year for o in read.observations}
            )
        }
        for o in read.observations:
            if o.ref_area not in countries:
                problems.append(
                    sdmx.Problem(o.line, f"unknown country: no country has M49 code {o.ref_area}")
                )
            if o.year not in rounds:
                problems.append(sdmx.Problem(o.line, f"no round has the reference year {o.year}"))
        published = sorted(
            {r.display_name for r in rounds.values() if r.state == Round.State.PUBLISHED}
        )
        if published and not revise_release:
            problems.append(
                sdmx.Problem(
                    None,
                    f"{', '.join(published)}: published, so its figures are frozen in its "
                    "release; import again as a revision of the release, with a reason",
                )
            )
        elif published and not reason.strip():
            problems.append(sdmx.Problem(None, "a revision of a release needs a reason"))
        if problems:
            problems.sort(key=lambda p: (p.line is not None, p.line or 0))
            return ImportOutcome(
                problems=tuple(problems), skipped_other_series=read.skipped_other_series
            )

        current = current_published_values(rounds=list(rounds.values()))
        new_rows, changes, unchanged, new_count = [], [], 0, 0
        for o in read.observations:
            round_ = rounds[o.year]
            country_id = countries[o.ref_area]
            previous = current.get((country_id, round_.pk, o.breakdown))
            if previous == o.value:
                unchanged += 1
                continue
            if previous is None:
                new_count += 1
            else:
                changes.append(
                    {
                        "line": o.line,
                        "ref_area": o.ref_area,
                        "year": o.year,
                        "breakdown": o.breakdown,
                        "old": previous,
                        "new": o.value,
                    }
                )
            new_rows.append(
                PublishedResult(
                    country_id=country_id,
                    round=round_,
                    breakdown=o.breakdown,
                    category=o.value,
                    previous_category=previous,
                )
            )
        outcome = dict(
            observations=len(read.observations),
            new_values=new_count,
            changed_values=len(changes),
            unchanged_values=unchanged,
            skipped_other_series=read.skipped_other_series,
            changes=tuple(changes),
        )
        if not new_rows:
            return ImportOutcome(**outcome)
        result_import = ResultImport.objects.create(
            file_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=by,
            reason=reason,
            observations=outcome["observations"],
            new_values=new_count,
            changed_values=len(changes),
            unchanged_values=unchanged,
            skipped_other_series=read.skipped_other_series,
        )
        for row in new_rows:
            row.result_import = result_import
        PublishedResult.objects.bulk_create(new_rows)
        for round_ in {row.round_id: row.round for row in new_rows}.values():
            if round_.state == Round.State.PUBLISHED:
                freeze_release(round=round_, by=by, reason=reason)
        return ImportOutcome(result_import=result_import, **outcome)
