"""The rows of the public round page's tables, written as HTML strings: the template's markup,
every value escaped."""

from django.utils import translation

from geography.models import Region
from questionnaire.models import Round
from results import tables


def country_row(name, cells, carried_from=None):
    return {
        "name": name,
        "url": "/published/countries/XYZ/",
        "region": "Europe & Northern America",
        "cells": cells,
        "carried_from": carried_from,
    }


def test_a_country_row_links_the_country_and_gives_each_cell_its_sort_key_and_colour():
    html = tables.country_rows(
        [
            country_row(
                "Côte <d'Ivoire>",
                [{"category": 3, "label": "Meets"}, {"category": None, "label": ""}],
            )
        ]
    )

    assert (
        '<th scope="row" class="fw-normal" data-sort="Côte &lt;d&#x27;Ivoire&gt;">'
        '<a href="/published/countries/XYZ/">Côte &lt;d&#x27;Ivoire&gt;</a></th>'
    ) in html
    assert (
        '<td data-sort="Europe &amp; Northern America">Europe &amp; Northern America</td>' in html
    )
    assert '<td class="cat cat-3" data-sort="3">Meets</td>' in html
    assert '<td class="cat" data-sort="0">—</td>' in html
    assert "<d'Ivoire>" not in html


def test_a_result_carried_from_an_earlier_round_says_its_year_in_the_page_language():
    earlier = Round(pk=7, reference_year=2019)
    rows = [
        country_row("Albania", [{"category": 2, "label": "Partially meets"}], earlier),
        country_row("Kenya", [{"category": 4, "label": "Fully meets"}]),
    ]

    with translation.override("fr"):
        html = tables.country_rows(rows)

    albania, kenya = html.split("\n")
    assert '</a> <span class="small text-muted">(résultat de 2019)</span></th>' in albania
    assert "span" not in kenya


def test_a_chart_table_gives_shares_only_where_countries_responded():
    html = tables.distribution_rows(
        [
            {
                "name": "World",
                "responding": 138,
                "cells": [{"count": 6, "share_text": "4.3%"}, {"count": 46, "share_text": "33.3%"}],
            },
            {
                "name": "Oceania & <others>",
                "responding": 0,
                "cells": [{"count": 0, "share_text": "—"}, {"count": 0, "share_text": "—"}],
            },
        ]
    )

    world, oceania = html.split("\n")
    assert world == (
        '<tr><th scope="row" class="fw-normal">World</th><td class="text-end">138</td>'
        '<td class="text-end">6 (4.3%)</td><td class="text-end">46 (33.3%)</td></tr>'
    )
    assert oceania == (
        '<tr><th scope="row" class="fw-normal">Oceania &amp; &lt;others&gt;</th>'
        '<td class="text-end">0</td><td class="text-end">0</td><td class="text-end">0</td></tr>'
    )


def test_the_coverage_table_sets_the_world_in_bold():
    world = Region(kind=Region.Kind.WORLD, m49="001", name="World")
    africa = Region(kind=Region.Kind.SDG, m49="202", name="Sub-Saharan Africa")

    html = tables.coverage_rows(
        [
            {"region": world, "responding": 138, "invited": 197, "share_text": "70.1%"},
            {"region": africa, "responding": 37, "invited": 48, "share_text": "77.1%"},
        ]
    )

    world_row, africa_row = html.split("\n")
    assert world_row.startswith('<tr class="fw-semibold"><th scope="row" class="fw-normal">World')
    assert africa_row == (
        '<tr><th scope="row" class="fw-normal">Sub-Saharan Africa</th><td class="text-end">37</td>'
        '<td class="text-end">48</td><td class="text-end">77.1%</td></tr>'
    )
