"""The one place that decides who may see and change what.

Views, the admin and exports call these functions; they never filter by role themselves.
A country a user may not see is answered with 404, so a forged URL reveals nothing.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from geography.models import (
    WORLD_M49,
    Country,
    GroupingMembership,
    Region,
    grouping_reference_date,
    members_on,
)
from kernel.prepared import Prepared
from questionnaire.models import Round, Submission
from scoring.models import Release

_REGION_COLUMNS = ("sdg_region", "m49_region", "m49_subregion", "intermediate_region")


def _region_filter(regions, prefix: str = "") -> Q | None:
    """None means every country (no region, or the world); otherwise a filter on ``regions``."""
    if not regions or any(r.m49 == WORLD_M49 and r.kind == "world" for r in regions):
        return None
    ids = [r.pk for r in regions]
    return (
        Q(**{f"{prefix}sdg_region__in": ids})
        | Q(**{f"{prefix}m49_region__in": ids})
        | Q(**{f"{prefix}m49_subregion__in": ids})
        | Q(**{f"{prefix}intermediate_region__in": ids})
    )


_ANALYST_REGIONS = Prepared(
    lambda user: Region.objects.filter(analysts=user).values_list("pk", "m49", "kind"),
    user=int,
)


def _analyst_region_rows(user) -> list[tuple]:
    """(pk, m49, kind) of the analyst's regions, read once for this request (the user object lives
    one request)."""
    rows = user.__dict__.get("_analyst_region_rows")
    if rows is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("regions")
        if prefetched is not None:
            rows = [(r.pk, r.m49, r.kind) for r in prefetched]
        else:
            rows = _ANALYST_REGIONS.rows(user=user.pk)
        user.__dict__["_analyst_region_rows"] = rows
    return rows


def may_see_country(user, country: Country) -> bool:
    """Whether ``country`` is among ``countries_visible_to(user)``, for a country already read: the
    same rule, answered with at most one query per request (an analyst's regions, or a focal
    point's assignment to this country)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    if user.is_analyst:
        rows = _analyst_region_rows(user)
        ids = {pk for pk, _m49, _kind in rows}
        visible = (
            not rows
            or any(m49 == WORLD_M49 and kind == "world" for _pk, m49, kind in rows)
            or any(getattr(country, f"{column}_id") in ids for column in _REGION_COLUMNS)
        )
        if visible:
            _known_scope(user).add(country.pk)
        return visible
    return is_focal_point_for(user, country)


def _analyst_region_filter(user, prefix: str = "") -> Q | None:
    """None means every country; otherwise a filter on the analyst's regions."""
    return _region_filter(list(user.regions.all()), prefix)


@dataclass(frozen=True)
class Scope:
    """The countries a user sees, and a key naming that choice exactly (for a cache shared by the
    users who see the same countries): the same key, the same rule, hence the same countries."""

    countries: QuerySet[Country]
    key: tuple


def scope_of(user) -> Scope:
    """The user's scope, in one query at most (an analyst's regions)."""
    countries = Country.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Scope(countries.none(), ("nobody",))
    if user.is_administrator:
        return Scope(countries, ("every country",))
    if user.is_analyst:
        regions = list(Region.objects.filter(analysts=user))
        region_filter = _region_filter(regions)
        if region_filter is None:
            return Scope(countries, ("every country",))
        return Scope(
            countries.filter(region_filter), ("regions", tuple(sorted(r.pk for r in regions)))
        )
    return Scope(countries.filter(focal_points=user), ("focal point", user.pk))


def countries_visible_to(user) -> QuerySet[Country]:
    return scope_of(user).countries


def submissions_visible_to(user) -> QuerySet[Submission]:
    return Submission.objects.filter(country__in=countries_visible_to(user))


def _known_assignments(user) -> dict[int, bool]:
    """What this request has learnt of the user's country assignments (the user object lives one request)."""
    return user.__dict__.setdefault("_known_assignments", {})


def _known_scope(user) -> set[int]:
    """The countries this request has proved in an analyst's scope (the user object lives one
    request): asked again, the answer costs no query."""
    return user.__dict__.setdefault("_known_scope", set())


def is_focal_point_for(user, country: Country) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_focal_point):
        return False
    known = _known_assignments(user)
    if country.pk not in known:
        known[country.pk] = user.countries.filter(pk=country.pk).exists()
    return known[country.pk]


def visible_submission(user, queryset, **lookup) -> Submission | None:
    """The submission matching ``lookup`` among those the user may see, or None."""
    # At most one row matches: no ordering needed (the default one joins for nothing).
    matches = queryset.filter(country__in=countries_visible_to(user), **lookup).order_by()[:1]
    submission = next(iter(matches), None)
    if submission is not None and user.is_focal_point:
        # A focal point sees only assigned countries, so the query has just proved this one.
        _known_assignments(user)[submission.country_id] = True
    if submission is not None and user.is_analyst:
        # An analyst sees only the countries in scope: the query has just proved this one is.
        _known_scope(user).add(submission.country_id)
    return submission


def can_see_evidence_file(user, evidence_file) -> bool:
    """An attached file is shown to whoever may see its submission (the country's focal points, the
    analysts with the country in scope, administrators), whatever state the submission is in;
    everyone else is answered 404. ``evidence_file.submission.country`` should be already read."""
    return may_see_country(user, evidence_file.submission.country)


def can_review(user) -> bool:
    """Analysts and administrators review submissions (of the countries they can see)."""
    return user.is_authenticated and user.is_active and (user.is_analyst or user.is_administrator)


def can_use_lab(user) -> bool:
    """The methodology lab (variants of the methodology, never official) is for analysts and
    administrators; focal points are answered 404, anonymous visitors are sent to log in."""
    return user.is_authenticated and user.is_active and (user.is_analyst or user.is_administrator)


def visible_country_or_404(user, **lookup) -> Country:
    try:
        return countries_visible_to(user).get(**lookup)
    except Country.DoesNotExist:
        raise Http404 from None


def edit_refusal_reason(
    user,
    submission: Submission,
    *,
    today: datetime.date | None = None,
    on_behalf: bool = False,
) -> str | None:
    """None when the user may change the submission's answers now; otherwise why not, for the page.

    Only a focal point assigned to the country changes its answers, only while the round accepts
    answers and only while the submission is a draft. The reason given is the one that fits the
    submission's state first: a submitted or validated copy says so, whoever looks at it.
    """
    if submission.state == Submission.State.SUBMITTED:
        return _(
            "This questionnaire was submitted on %(date)s. Its answers are frozen while the "
            "analysts review them."
        ) % {
            "date": date_format(timezone.localtime(submission.submitted_at), "DATE_FORMAT")
            if submission.submitted_at
            else "—"
        }
    if submission.state == Submission.State.VALIDATED:
        return _("This questionnaire was validated: its answers are final for this round.")
    if submission.state == Submission.State.RETURNED and submission.round.state in (
        Round.State.OPEN,
        Round.State.CLOSED,
    ):
        # Returned answers are corrected after the closing date too, until publication.
        who_refuses = questionnaire_refusal_reason(
            user,
            round=submission.round,
            country=submission.country,
            today=today,
            on_behalf=on_behalf,
            ignore_dates=True,
        )
        return who_refuses
    return questionnaire_refusal_reason(
        user,
        round=submission.round,
        country=submission.country,
        today=today,
        on_behalf=on_behalf,
    )


def country_closes_on(round: Round, country: Country) -> datetime.date:
    """The round's closing date for the country: the newest extension granted to it, if any."""
    from review.models import DeadlineExtension

    extension = (
        DeadlineExtension.objects.filter(round=round, country=country)
        .order_by("-granted_at", "-pk")
        .values_list("closes_on", flat=True)
        .first()
    )
    return max(extension, round.closes_on) if extension else round.closes_on


def round_accepts_answers_from(
    round: Round, country: Country, today: datetime.date | None = None
) -> bool:
    """Whether the round is open for this country today, counting an extension of its deadline."""
    today = today or timezone.localdate()
    if round.accepts_answers(today):
        return True
    # Only a country past the round's closing date can have an extension: no query otherwise.
    if round.state != Round.State.OPEN or today < round.opens_on or today <= round.closes_on:
        return False
    return today <= country_closes_on(round, country)


def questionnaire_refusal_reason(
    user,
    *,
    round: Round,
    country: Country,
    today: datetime.date | None = None,
    on_behalf: bool = False,
    ignore_dates: bool = False,
) -> str | None:
    """Why the user may not answer the country's questionnaire for the round now; None if they may.

    ``on_behalf``: an analyst with the country in scope enters answers the country sent on paper or
    by e-mail."""
    if on_behalf:
        if not is_analyst_for(user, country):
            return _("Only an analyst with %(country)s in scope can enter its answers.") % {
                "country": country.display_name
            }
    elif not is_focal_point_for(user, country):
        return _(
            "You can read this questionnaire; only a focal point of %(country)s can change it."
        ) % {"country": country.display_name}
    if ignore_dates:
        return None
    if not round_accepts_answers_from(round, country, today):
        if round.is_past_closing(today):
            return _("The round closed on %(date)s: answers can no longer be changed.") % {
                "date": date_format(country_closes_on(round, country), "DATE_FORMAT")
            }
        return _("This round does not accept answers at the moment.")
    return None


def is_analyst_for(user, country: Country) -> bool:
    """An analyst whose scope includes the country."""
    if not (user.is_authenticated and user.is_active and user.is_analyst):
        return False
    if country.pk in _known_scope(user):
        return True
    return countries_visible_to(user).filter(pk=country.pk).exists()


def acts_as(user, who: str, country: Country | None = None) -> bool:
    """Whether the user is ``who`` of the transition table for the country."""
    if who == "focal_point":
        return country is not None and is_focal_point_for(user, country)
    if who == "analyst":
        return country is not None and is_analyst_for(user, country)
    if who == "administrator":
        return user.is_authenticated and user.is_active and user.is_administrator
    return False


def may_raise_queries(user, country: Country) -> bool:
    return is_analyst_for(user, country)


def may_answer_queries(user, country: Country) -> bool:
    return is_focal_point_for(user, country)


def can_manage_rounds(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_administrator


def can_view_round_aggregates(user, round_) -> bool:
    """Analysts and administrators follow a round's aggregates as it fills; others see published ones."""
    return can_review(user) or round_.state == Round.State.PUBLISHED


def aggregate_regions_visible_to(user, round_) -> set[int] | None:
    """The regions whose aggregates the user may see for the round; None means every region.

    Before a round is published, an analyst scoped to some regions sees only the regions all of
    whose countries they may see: a small region's counts would reveal a country's category.
    """
    if round_.state == Round.State.PUBLISHED or not user.is_analyst:
        return None
    if _analyst_region_filter(user) is None:
        return None
    visible = set(countries_visible_to(user).values_list("pk", flat=True))
    members: dict[int, set[int]] = defaultdict(set)
    region_columns = ("sdg_region", "m49_region", "m49_subregion", "intermediate_region")
    for country_id, *region_ids in Country.objects.values_list("pk", *region_columns):
        for region_id in region_ids:
            if region_id:
                members[region_id].add(country_id)
    # A UN grouping's members are those on the round's date, as its aggregates count them.
    day = grouping_reference_date(round_.reference_year)
    for region_id, country_id in GroupingMembership.objects.filter(members_on(day)).values_list(
        "region_id", "country_id"
    ):
        members[region_id].add(country_id)
    return {region for region, countries in members.items() if countries <= visible}


def can_manage_people(user) -> bool:
    """Administrators invite, import, change and deactivate people."""
    return user.is_authenticated and user.is_active and user.is_administrator


# --- Results for everyone: public pages, downloads, reports and the API ------------------------


def is_public_round(round_: Round) -> bool:
    """A round's results are public once it is published, and only then; public figures read the
    round's frozen release."""
    return round_.state == Round.State.PUBLISHED


_NEWEST_PUBLIC_RELEASE = Prepared(
    lambda code: (
        Release.objects.filter(round__code=code, round__state=Round.State.PUBLISHED)
        .order_by("-number")
        .values_list("pk")[:1]
    ),
    code=str,
)


def public_release_id(round_code: str) -> int | None:
    """The newest release of the round with this code if the round is public (the rule of
    ``is_public_round``, in one small query for the public pages' cache); None otherwise."""
    rows = _NEWEST_PUBLIC_RELEASE.rows(code=round_code)
    return rows[0][0] if rows else None


def public_rounds() -> QuerySet[Round]:
    """The rounds whose results anyone may see, newest reference year first."""
    return Round.objects.filter(state=Round.State.PUBLISHED).order_by("-reference_year", "code")


def can_download_round_report(user, round_: Round) -> bool:
    """Analysts and administrators take a round's report at any time; anyone once it is published."""
    return can_review(user) or is_public_round(round_)


def report_includes_internal_sheets(user, round_: Round) -> bool:
    """The internal sheets (the round's history) are for analysts and administrators only."""
    return can_review(user)


def report_countries_visible_to(user, round_: Round) -> QuerySet[Country] | None:
    """The countries whose rows a round report may carry for the user; None means every country.

    Once the round is published every country's result is public. Before that, an analyst or
    administrator sees the countries of their scope."""
    if is_public_round(round_):
        return None
    if scope_of(user).key == ("every country",):
        return None
    return countries_visible_to(user)


def can_run_lab_on_round(user, round_: Round) -> bool:
    """Whether the user may rescore the round in the methodology lab: a published round for any
    lab user; before publication, only those who see every country (a comparison shows every
    country's category and every region's share)."""
    if not can_use_lab(user):
        return False
    return report_countries_visible_to(user, round_) is None


def history_countries_visible_to(user) -> QuerySet[Country] | None:
    """The countries whose history (state changes, every score record, reasons) the internal
    sheet of a round report may carry; None means every country. History is never public: it
    follows the user's scope whatever the round's state."""
    if scope_of(user).key == ("every country",):
        return None
    return countries_visible_to(user)


def can_download_country_profile(user, round_: Round, country: Country) -> bool:
    """Anyone once the round is published; before that, the country's focal points and the
    analysts whose scope holds it (and administrators)."""
    return is_public_round(round_) or may_see_country(user, country)
