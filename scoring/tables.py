"""The rows of the results pages' long tables, written as HTML by plain functions.

A round's page lists every region and every country: rendered through the template language, a
row costs a dozen variable look-ups, a loop over the categories and a reversed URL, and the page
took four times as long as the selectors feeding it. Here each row is one string join over values
prepared once per page (labels, the language's number format, one URL per round), escaped as the
template would escape them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from policyindex.templatetags.localized_numbers import MISSING, percent_sign
from scoring.engine import score_display

# Stands for the ISO3 code in a URL reversed once per round; each row puts its country's code in.
ISO3_PLACEHOLDER = "ISO3"


@dataclass(frozen=True)
class NumberFormat:
    """The active language's way of writing numbers, read once per page: the same text as the
    ``percent`` filter, without looking the language's formats up for every cell."""

    decimal_separator: str
    percent_sign: str

    @classmethod
    def active(cls) -> "NumberFormat":
        return cls(decimal_separator=get_format("DECIMAL_SEPARATOR"), percent_sign=percent_sign())

    def percent(self, share: Fraction | None) -> str:
        """A share (0 to 1) as a percentage with one decimal, rounded half up; a dash for none."""
        if share is None:
            return MISSING
        return score_display(share * 100, 1).replace(".", self.decimal_separator) + (
            self.percent_sign
        )

    def option_value(self, value: Decimal | None) -> str:
        """An answer's numeric code as the ``floatformat:"-1"`` filter writes it: "1", "0.5"."""
        if value is None:
            return ""
        if value == value.to_integral_value():
            return str(int(value))
        tenths = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return str(tenths).replace(".", self.decimal_separator)


def aggregate_table_rows(rows: Iterable[Mapping], *, numbers: NumberFormat) -> SafeString:
    """The body of a round's aggregates table: a heading row for each kind of region, then one row
    per region with its respondents, the count (and share) of each category and those meeting or
    fully meeting."""
    html = []
    kind = None
    for row in rows:
        region = row["region"]
        if region.kind != kind:
            kind = region.kind
            html.append(
                '<tr class="table-light"><th scope="rowgroup" colspan="8">'
                f"{escape(region.get_kind_display())}</th></tr>"
            )
        responding = row["responding"]
        cells = "".join(
            f'<td class="text-end">{cell["count"]} <span class="text-muted small">'
            f"({escape(numbers.percent(cell['share']))})</span></td>"
            if responding
            else f'<td class="text-end">{cell["count"]}</td>'
            for cell in row["cells"]
        )
        meeting = (
            f"{row['meeting']} ({escape(numbers.percent(row['share_meeting']))})"
            if responding
            else MISSING
        )
        html.append(
            f'<tr><th scope="row" class="fw-normal">{escape(region.display_name)}</th>'
            f'<td>{escape(region.m49)}</td><td class="text-end">{responding}</td>{cells}'
            f'<td class="text-end fw-semibold">{meeting}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def country_table_rows(
    rows: Iterable[Mapping],
    *,
    country_urls: Mapping[int, str],
    category_labels: Mapping[int, str],
    source_labels: Mapping[str, str],
) -> SafeString:
    """The body of a round's countries table: each country linked to the explanation of its
    result, its overall category, the round its result comes from and the result's source.

    ``country_urls`` gives, per round id, the explanation's URL with ``ISO3_PLACEHOLDER`` for the
    country's code."""
    prefixes = {
        round_id: tuple(escape(part) for part in url.rsplit(ISO3_PLACEHOLDER, 1))
        for round_id, url in country_urls.items()
    }
    round_names: dict[int, str] = {}
    html = []
    for row in rows:
        country, result, round_ = row["country"], row["result"], row["round"]
        before, after = prefixes[round_.pk]
        if round_.pk not in round_names:
            round_names[round_.pk] = escape(round_.display_name)
        category = category_labels.get(result.overall) if result.overall else None
        html.append(
            f'<tr><th scope="row" class="fw-normal"><a href="{before}{escape(country.iso3)}'
            f'{after}">{escape(country.display_name)}</a></th>'
            f"<td>{escape(category) if category else MISSING}</td>"
            f"<td>{round_names[round_.pk]}</td>"
            f"<td>{escape(source_labels[result.source])}</td></tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def answer_table_rows(
    items: Iterable[Mapping], *, numbers: NumberFormat, not_answered: str
) -> SafeString:
    """The body of a domain's table on a country's explanation page: each item with its answer,
    the answer's code and numeric value; an item not answered is marked and counts 0."""
    html = []
    for entry in items:
        item, option = entry["item"], entry["option"]
        if entry["imputed"]:
            answer, value = f"<strong>{escape(not_answered)}</strong>", "0"
        else:
            label = escape(option.display_label) if option else ""
            code = escape(entry["code"] or "")
            answer = f'{label} <code class="small">{code}</code>'
            value = numbers.option_value(option.value if option else None)
        opening = '<tr class="table-warning">' if entry["imputed"] else "<tr>"
        html.append(
            f"{opening}"
            f'<th scope="row">{escape(item.code)}</th><td>{escape(item.display_text)}</td>'
            f'<td>{answer}</td><td class="text-end">{value}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
