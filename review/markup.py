"""The review page's query cards as HTML, built in Python.

Each query is a card with its messages and up to three forms; through the template engine (two
includes per card, a dozen lookups and escapes per message) they cost more than everything else
the review page does. Here the same markup is built with the standard library's escaping, as
``questionnaire/markup.py`` builds the questionnaire's item cards. The template keeps the page's
structure and its words; the words used here are the same messages as the templates'.
"""

import hashlib
from html import escape

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from review.models import Query, QueryMessage

# Their key changes with every message: this only bounds how long a corrected translation takes.
MESSAGES_SECONDS = 300


def _words() -> dict:
    """The words of the cards in the active language, translated once per page."""
    return {
        # As {% blocktranslate %} writes it: the values escaped, the sentence as translated.
        "said": _("%(kind)s by %(by)s, %(at)s"),
        "kinds": {code: escape(str(label)) for code, label in QueryMessage.Kind.choices},
        "states": {code: escape(str(label)) for code, label in Query.State.choices},
        "datetime_format": get_format("DATETIME_FORMAT"),
        "add": _("Add a message"),
        "send": _("Send"),
        "close": _("Close the query"),
        "why_reopen": _("Why reopen it?"),
        "reopen": _("Reopen the query"),
    }


def _message(message, words: dict) -> str:
    at = format_date(timezone.template_localtime(message.at), words["datetime_format"])
    said = words["said"] % {
        "kind": words["kinds"].get(message.kind, ""),
        "by": escape(message.by),
        "at": escape(at),
    }
    text = f"<br>{linebreaksbr(message.text, autoescape=True)}" if message.text else ""
    return f'<li class="mb-1"><span class="text-body-secondary">{said}</span>{text}</li>'


def _form(url: str, token: str, next_url: str, body: str) -> str:
    return (
        f'<form method="post" action="{escape(url)}" class="mb-1">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">{body}</form>'
    )


# A query id no query has: the URLs of one page's forms are reversed once, with this in place of
# the query's id.
_ANY_QUERY = 2_147_483_647


def _form_urls(round_code: str, iso3: str) -> dict[str, str]:
    return {
        name: reverse(f"review:{name}", args=[round_code, iso3, _ANY_QUERY])
        for name in ("reply_query", "close_query", "reopen_query")
    }


def _messages(entries, words: dict) -> dict[int, str]:
    """Query id to its messages as HTML. Messages never change: the page's are cached together,
    keyed by each message and its author's name as shown, the language and the time zone."""
    shown = [
        (
            entry.query.pk,
            [(m.pk, m.by) for m in entry.messages],
        )
        for entry in entries
    ]
    key = (
        "review:messages:"
        + hashlib.sha256(
            repr((shown, get_language(), timezone.get_current_timezone_name())).encode()
        ).hexdigest()
    )
    rendered = cache.get(key)
    if rendered is None:
        rendered = {
            entry.query.pk: "".join(_message(message, words) for message in entry.messages)
            for entry in entries
        }
        cache.set(key, rendered, MESSAGES_SECONDS)
    return rendered


def query_card(
    entry, *, words: dict, token: str, path: str, urls: dict, messages: dict[int, str]
) -> str:
    """One ``selectors_review.QueryView``: its target, state, messages and the forms it allows."""
    query = entry.query
    pk = query.pk
    badge = "warning" if query.is_open else "secondary"
    next_url = f"{path}#query-{pk}"
    forms = []
    if entry.may_reply:
        forms.append(
            _form(
                urls["reply_query"].replace(str(_ANY_QUERY), str(pk)),
                token,
                next_url,
                f'<label class="form-label small" for="reply-{pk}">{escape(words["add"])}</label>'
                f'<textarea class="form-control form-control-sm mb-1" name="text" id="reply-{pk}" '
                f'rows="2" required></textarea><button type="submit" '
                f'class="btn btn-sm btn-outline-primary">{escape(words["send"])}</button>',
            )
        )
    if entry.may_close:
        forms.append(
            _form(
                urls["close_query"].replace(str(_ANY_QUERY), str(pk)),
                token,
                next_url,
                f'<button type="submit" class="btn btn-sm btn-outline-secondary">'
                f"{escape(words['close'])}</button>",
            )
        )
    if entry.may_reopen:
        forms.append(
            _form(
                urls["reopen_query"].replace(str(_ANY_QUERY), str(pk)),
                token,
                next_url,
                f'<label class="form-label small" for="reopen-{pk}">'
                f"{escape(words['why_reopen'])}</label>"
                f'<textarea class="form-control form-control-sm mb-1" name="text" '
                f'id="reopen-{pk}" rows="2" required></textarea><button type="submit" '
                f'class="btn btn-sm btn-outline-secondary">{escape(words["reopen"])}</button>',
            )
        )
    return (
        f'<article class="border-top pt-2 mt-2 query" id="query-{pk}" '
        f'aria-labelledby="query-{pk}-title">'
        f'<h3 class="h6" id="query-{pk}-title">{escape(entry.target)} '
        f'<span class="badge text-bg-{badge}">{words["states"].get(query.state, "")}</span></h3>'
        f'<ol class="list-unstyled small mb-1 query-messages">{messages[pk]}</ol>'
        f"{''.join(forms)}</article>"
    )


def query_sections(request, page, *, round_code: str, iso3: str) -> dict[str, SafeString]:
    """The open queries (a card of their own above the actions) and the closed ones (at the end
    of the page), each empty when there are none."""
    if not (page.open_queries or page.closed_queries):
        return {"open_queries_html": "", "closed_queries_html": ""}
    words = _words()
    options = {
        "words": words,
        "token": get_token(request),
        "path": request.path,
        "urls": _form_urls(round_code, iso3),
        "messages": _messages([*page.open_queries, *page.closed_queries], words),
    }
    sections = {"open_queries_html": "", "closed_queries_html": ""}
    if page.open_queries:
        count = len(page.open_queries)
        heading = ngettext("%(counter)s open query", "%(counter)s open queries", count) % {
            "counter": count
        }
        cards = "".join(query_card(entry, **options) for entry in page.open_queries)
        sections["open_queries_html"] = (
            '<section class="card border-warning mb-3" id="open-queries" '
            'aria-labelledby="open-queries-heading"><div class="card-body">'
            f'<h2 class="h5" id="open-queries-heading">{heading}</h2>{cards}</div></section>'
        )
    if page.closed_queries:
        cards = "".join(query_card(entry, **options) for entry in page.closed_queries)
        sections["closed_queries_html"] = (
            '<section class="mt-4" id="closed-queries" aria-labelledby="closed-queries-heading">'
            f'<h2 class="h4" id="closed-queries-heading">{escape(_("Closed queries"))}</h2>'
            f"{cards}</section>"
        )
    return {name: mark_safe(html) for name, html in sections.items()}  # noqa: S308 - escaped


def item_options(choices) -> SafeString:
    """The options of the query form's "About" list: the items of the shown version."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in choices)
    )
