"""The analysts' dashboard of a round: every country of their scope, where it stands, what waits.

Its table has a row for each of up to 197 countries. Through the template engine each row's dozen
cells (lookups, filters, escapes, translations, dates) cost most of the page's time, so the rows
are built here with the standard library's escaping and words translated once per page, as the
questionnaire's item cards are (``questionnaire/markup.py``); the template keeps the page.
"""

from html import escape

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policyindex import access
from policyindex.templatetags.localized_numbers import MISSING, localized_number
from questionnaire.models import Round
from review import selectors
from review.filters import SORT_LABELS, DashboardFilter
from scoring.models.choices import Category


def refused(request, message: str, *, status: int = 403):
    """A page saying why the user may not be here (nothing else is shown)."""
    return render(request, "review/round_refused.html", {"message": message}, status=status)


@login_required
def dashboard(request, round_code: str):
    round_ = get_object_or_404(Round, code=round_code)
    if not access.can_review(request.user):
        return refused(request, _("Only analysts and administrators see the review dashboard."))
    # The user's scope, worked out once for every query of the page.
    visible = access.countries_visible_to(request.user)
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
    context = {
        "round": round_,
        "board": board,
        "rows_html": rows_html(board),
        "filters": filters,
        "columns": {c["name"]: c for c in columns},
        "can_manage_rounds": access.can_manage_rounds(request.user),
        "filtered": bool(request.GET.get("region") or request.GET.get("state")),
    }
    return render(request, "review/dashboard.html", context)


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
