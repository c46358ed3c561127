"""Freezing a published round's figures as a release, and guarding them afterwards."""

import hashlib
import json

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from questionnaire.models import Round
from scoring import engine
from scoring.models import Release, ReleaseResult


def region_key(kind: str, m49: str) -> str:
    """How a release names a region: its kind and M49 code ("sdg:419"), since some M49 codes name
    both an SDG region and an M49 region or sub-region."""
    return f"{kind}:{m49}"


class ReleaseFrozen(Exception):
    """The round is published: its figures change only through a reasoned revision of the release."""


def refuse_unless_revision(round: Round, *, revise_release: bool) -> None:
    if round.state == Round.State.PUBLISHED and not revise_release:
        raise ReleaseFrozen(
            _(
                "%(round)s is published: its figures are frozen in its release. Change them only "
                "as a new, reasoned revision of the release."
            )
            % {"round": round.display_name}
        )


def current_release(round: Round) -> Release | None:
    return Release.objects.filter(round=round).order_by("-number").first()


def freeze_release(*, round: Round, by, reason: str = "") -> Release:
    """A new release of the round: every country's result as it stands now (own or carried
    forward) and the aggregates of every region. The previous release, if any, is superseded."""
    from scoring.selectors import round_aggregates

    with transaction.atomic():
        aggregates = round_aggregates(round=round, frozen=False)
        number = (Release.objects.filter(round=round).aggregate(n=Max("number"))["n"] or 0) + 1
        rows = []
        for country_id, result in sorted(aggregates.results.items()):
            for breakdown, category in sorted(result.categories.items()):
                rows.append(
                    {
                        "country_id": country_id,
                        "source_round_id": result.round_id,
                        "source": result.source,
                        "breakdown": breakdown,
                        "category": category,
                        "score_record_id": result.record_id,
                    }
                )
        regional = {
            region_key(region.region.kind, region.region.m49): {
                b: list(m.counts) for b, m in region.measures.items()
            }
            for region in aggregates.regions
        }
        fingerprint = hashlib.sha256(
            json.dumps({"results": rows, "aggregates": regional}, sort_keys=True).encode()
        ).hexdigest()
        release = Release.objects.create(
            round=round,
            number=number,
            reason=reason,
            published_by=by,
            methodology_version=engine.METHODOLOGY_VERSION,
            aggregates=regional,
            content_hash=fingerprint,
        )
        ReleaseResult.objects.bulk_create(ReleaseResult(release=release, **row) for row in rows)
    return release
