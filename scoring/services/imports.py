"""Importing results published by the UN: the country series SG_CPA_MIGRS in any layout the UN
hands out (see scoring.published_files), with a dry run that shows what an import would change."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geography.models import Country
from questionnaire.models import Round
from scoring import sdmx
from scoring.models import PublishedResult, ResultImport
from scoring.published_files import layout_names, read_published_file
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
    # Rows of areas that are not one of the countries (regions, territories) and rows without a
    # value (N, NaN, empty): skipped, never a reason to refuse the file.
    skipped_areas: int = 0
    skipped_missing: int = 0
    layout: str = ""
    result_import: ResultImport | None = None
    # Each changed value: line, ref_area, country, year, breakdown, old, new.
    changes: tuple[dict, ...] = field(default=())
    # Each new value: line, ref_area, country, year, breakdown, new.
    additions: tuple[dict, ...] = field(default=())
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fingerprint(self) -> str:
        """What the import writes, as a hash: a confirmation applies only what a dry run showed."""
        described = repr((self.additions, self.changes, self.unchanged_values))
        return hashlib.sha256(described.encode()).hexdigest()

    @property
    def layout_name(self) -> str:
        return str(layout_names().get(self.layout, self.layout))

    @property
    def warning(self) -> str:
        """What was skipped, in words; empty when nothing was."""
        parts = []
        if self.skipped_areas:
            parts.append(
                ngettext(
                    "%(count)d row of an area that is not one of the countries (a region or a "
                    "territory)",
                    "%(count)d rows of areas that are not one of the countries (regions or "
                    "territories)",
                    self.skipped_areas,
                )
                % {"count": self.skipped_areas}
            )
        if self.skipped_missing:
            parts.append(
                ngettext(
                    "%(count)d row without a value (N, NaN or empty)",
                    "%(count)d rows without a value (N, NaN or empty)",
                    self.skipped_missing,
                )
                % {"count": self.skipped_missing}
            )
        if self.skipped_other_series:
            parts.append(
                ngettext(
                    "%(count)d row of another series",
                    "%(count)d rows of other series",
                    self.skipped_other_series,
                )
                % {"count": self.skipped_other_series}
            )
        if not parts:
            return ""
        return _("Skipped: %(parts)s.") % {"parts": "; ".join(parts)}


def _sorted(problems):
    return tuple(sorted(problems, key=lambda p: (p.line is not None, p.line or 0)))


def import_published_results(
    *,
    data: bytes,
    file_name: str,
    by=None,
    reason: str = "",
    revise_release: bool = False,
    dry_run: bool = False,
    expected_fingerprint: str | None = None,
) -> ImportOutcome:
    """Reads the file and, only if it has no problem at all, records every new or changed value
    with the import it came from. Values equal to the current published ones write nothing; a file
    that changes nothing writes no import either. With ``dry_run`` nothing is written: the outcome
    says what the import would do.

    A value for a published round is refused unless the import is a reasoned revision of that
    round's release (``revise_release``); then each such round gets a new release.

    ``expected_fingerprint`` (of a dry run's outcome) makes the import write only if it would write
    exactly what that dry run showed: the published values may have changed in between."""
    read = read_published_file(data, series=sdmx.MIGRS)
    skipped = dict(
        skipped_other_series=read.skipped_other_series,
        skipped_missing=read.skipped_missing,
        layout=read.layout,
        dry_run=dry_run,
    )
    countries = {
        m49: (pk, name)
        for m49, pk, name in Country.objects.filter(
            m49__in={o.ref_area for o in read.observations}
        ).values_list("m49", "pk", "name")
    }
    observations = [o for o in read.observations if o.ref_area in countries]
    skipped["skipped_areas"] = len(read.observations) - len(observations)
    # Every problem of the file is reported at once, those of reading and those of its rounds.
    # The reader's messages are English (it imports no Django): shown in the user's language.
    problems: list[sdmx.Problem] = [problem.translated(_) for problem in read.problems]
    with transaction.atomic():
        rounds = {
            r.reference_year: r
            for r in Round.objects.select_for_update().filter(
                reference_year__in={o.year for o in observations}
            )
        }
        for o in observations:
            if o.year not in rounds:
                problems.append(
                    sdmx.Problem(
                        o.line, _("no round has the reference year %(year)s") % {"year": o.year}
                    )
                )
        published = sorted(
            {r.display_name for r in rounds.values() if r.state == Round.State.PUBLISHED}
        )
        if published and not revise_release:
            problems.append(
                sdmx.Problem(
                    None,
                    _(
                        "%(rounds)s: published, so its figures are frozen in its release; import "
                        "again as a revision of the release, with a reason"
                    )
                    % {"rounds": ", ".join(published)},
                )
            )
        elif published and not reason.strip():
            problems.append(sdmx.Problem(None, _("a revision of a release needs a reason")))
        if problems:
            return ImportOutcome(problems=_sorted(problems), **skipped)

        current = current_published_values(rounds=list(rounds.values()))
        new_rows, changes, additions, unchanged = [], [], [], 0
        for o in observations:
            round_ = rounds[o.year]
            country_id, country_name = countries[o.ref_area]
            previous = current.get((country_id, round_.pk, o.breakdown))
            if previous == o.value:
                unchanged += 1
                continue
            described = {
                "line": o.line,
                "ref_area": o.ref_area,
                "country": country_name,
                "year": o.year,
                "breakdown": o.breakdown,
                "new": o.value,
            }
            if previous is None:
                additions.append(described)
            else:
                changes.append({**described, "old": previous})
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
            observations=len(observations),
            new_values=len(additions),
            changed_values=len(changes),
            unchanged_values=unchanged,
            changes=tuple(changes),
            additions=tuple(additions),
            **skipped,
        )
        if (
            expected_fingerprint is not None
            and ImportOutcome(**outcome).fingerprint != expected_fingerprint
        ):
            return ImportOutcome(
                problems=(
                    sdmx.Problem(
                        None,
                        _(
                            "the published values changed since the dry run: nothing was "
                            "imported; check the file again"
                        ),
                    ),
                ),
                **skipped,
            )
        if dry_run or not new_rows:
            return ImportOutcome(**outcome)
        result_import = ResultImport.objects.create(
            file_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=by,
            reason=reason,
            observations=len(observations),
            new_values=len(additions),
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
