"""The analysts' dashboard of a round: every country of their scope, where it stands, what waits.

Its table has a row for each of up to 197 countries. Through the template engine each row's dozen
cells (lookups, filters, escapes, translations, dates) cost most of the page's time, so the rows
are built here with the standard library's escaping and words translated once per page, as the
questionnaire's item cards are (``questionnaire/markup.py``); the template keeps the page.

The counts, the filters and the table (the board) are cached, keyed by a fingerprint of the round's
data read with the round in one query (``selectors.dashboard_round``), the user's scope, the
language and the address's parameters: a page costs the session, the round and a cache read until
something the board shows changes, and shows the change at once.
"""

import hashlib
from html import escape

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kernel.translation import current_language
from policyindex import access
from policyindex.templatetags.localized_numbers import MISSING, localized_number
from questionnaire.models import Round
from review import selectors
from review.filters import SORT_LABELS, DashboardFilter
from scoring.models.choices import Category


def refused(request, message: str, *, status: int = 403):
    """A page saying why the user may not be here (nothing else is shown)."""
    return render(request, "review/round_refused.html", {"message": message}, status=status)


# How long a rendered board stays cached. Its key changes with everything of the round it shows
# (``selectors.dashboard_round``), so this only bounds how long a change of reference data (a
# country's name, a region's members) or of a message author's role takes to show.
BOARD_SECONDS = 300


@login_required
def dashboard(request, round_code: str):
    # The user's scope, worked out once for every query of the page.
    scope = access.scope_of(request.user)
    round_ = selectors.dashboard_round(round_code, visible=scope.countries)
    if round_ is None:
        raise Http404
    if not access.can_review(request.user):
        return refused(request, _("Only analysts and administrators see the review dashboard."))
    # The counts, the filters and the table: served from the cache while nothing they show has
    # changed (the key says what that is), built otherwise.
    key = board_key(request, round_, scope)
    board_html = cache.get(key)
    if board_html is None:
        board_html = render_to_string(
            "review/includes/dashboard_board.html",
            board_context(request, round_, scope.countries),
            request,
        )
        cache.set(key, board_html, BOARD_SECONDS)
    context = {
        "round": round_,
        "board_html": mark_safe(board_html),  # noqa: S308 - rendered (and escaped) by the template
        "can_manage_rounds": access.can_manage_rounds(request.user),
    }
    return render(request, "review/dashboard.html", context)


def board_key(request, round_: Round, scope: access.Scope) -> str:
    """Everything the board depends on: the round's data (its fingerprint), the countries the
    user sees, the language, the time zone and the filters, sorts and other parameters of the
    address, in their order (the column headers' links keep them so)."""
    parts = (
        round_.pk,
        round_.code,
        round_.reference_year,
        round_.version_id,
        round_.data_fingerprint,
        scope.key,
        current_language(),
        timezone.get_current_timezone_name(),
        list(request.GET.lists()),
    )
    return "review:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def board_context(request, round_: Round, visible) -> dict:
    filters = DashboardFilter(
        request.GET or None,
        queryset=selectors.dashboard_countries(visible=visible, round=round_),
        visible=visible,
    )
    board = selectors.dashboard(visible=visible, round=round_, countries=filters.qs)
    sort = filters.current_sort
    columns = [
        {
            "name": name,
            "label": label,
            "sorted": sort.lstrip("-") == name,
            "descending": sort == f"-{name}",
            # A second click on the sorted column reverses it.
            "next": f"-{name}" if sort == name else name,
        }
        for name, label in SORT_LABELS.items()
    ]
    return {
        "round": round_,
        "board": board,
        "rows_html": rows_html(board),
        "filters": filters,
        "columns": {c["name"]: c for c in columns},
        "filtered": bool(request.GET.get("region") or request.GET.get("state")),
    }


def rows_html(board: selectors.Dashboard) -> SafeString:
    """The table's rows: every value escaped, dates and numbers written as the language writes
    them, the same words translated once for all the rows."""
    statuses = {code: escape(str(label)) for code, label in selectors.STATUS_CHOICES}
    categories = {value: escape(str(label)) for value, label in Category.choices}
    moment = get_format("DATETIME_FORMAT")
    to_read: dict[int, str] = {}
    html = []
    for row in board.rows:
        status = statuses[row.status]
        if row.status == selectors.EXCLUDED:
            status += (
                f' <span class="small text-muted">({escape(row.submission_state_label)})</span>'
            )
        queries = str(row.open_queries)
        if row.answers_to_read:
            if row.answers_to_read not in to_read:
                to_read[row.answers_to_read] = escape(
                    ngettext(
                        "%(count)d answer to read", "%(count)d answers to read", row.answers_to_read
                    )
                    % {"count": row.answers_to_read}
                )
            queries += f' <span class="badge text-bg-primary">{to_read[row.answers_to_read]}</span>'
        activity = (
            escape(dateformat.format(timezone.localtime(row.last_activity), moment))
            if row.last_activity
            else MISSING
        )
        score = localized_number(row.score, 1) if row.score is not None else MISSING
        cells = [
            f'<th scope="row" class="fw-normal"><a href="{escape(row.url)}">'
            f"{escape(row.country_name)}</a></th>",
            f"<td>{escape(row.region_name)}</td>",
            f'<td><span class="badge {row.status_badge}">{status}</span></td>',
            f'<td class="text-end">{row.version_number or MISSING}</td>',
            f"<td>{activity}</td>",
            f'<td class="text-end">{queries}</td>',
            f'<td class="text-end">{score}</td>',
            f"<td>{categories.get(row.category, MISSING)}</td>",
        ]
        if board.shows_flags:
            cells.append(f'<td class="text-end">{MISSING if row.flags is None else row.flags}</td>')
        html.append(f'<tr data-country="{escape(row.iso3)}">{"".join(cells)}</tr>')
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
