"""The tools behind `make bench` and `make loadtest` do the work they claim to time.

No time is measured here: these tests check that the form read off the page is the one a browser
sends, that the generated save changes every field, that the bench's minimal save does the same
writes as the real one, and that the two commands keep each other's figures.
"""

import json
from urllib.parse import urlencode

import pytest

from loadtest.client import require_loopback
from loadtest.htmlform import form_with_field
from loadtest.payload import draft_save, item_codes
from policyindex.management.commands.bench import _kept_load_test_figures
from questionnaire.models import AnswerChange, Submission

FULL_SAVE_CHANGES = 30 * 6 + 1  # every field of every item, and the general comment


def _post(client, url, data):
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


def _save(client, page_url, data):
    """As the bench saves: the page's save/ URL, or the page itself where that answers 404."""
    response = _post(client, page_url + "save/", data)
    if response.status_code == 404:
        response = _post(client, page_url, data)
    return response


@pytest.fixture
def page(client, focal_point, draft, fill_url):
    client.force_login(focal_point)
    url = fill_url(draft)
    return url, form_with_field(client.get(url).content.decode(), "revision")


def test_the_form_read_off_the_page_holds_every_item_and_the_hidden_fields(page, draft):
    _url, form = page
    assert len(item_codes(form)) == 30
    values = form.values()
    assert values["submission"] == str(draft.pk)
    assert values["country"] == "KEN"
    assert values["revision"] == str(draft.revision)
    assert values["csrfmiddlewaretoken"]
    assert all(len(form.fields[f"{c}-option_code"].choices) >= 2 for c in item_codes(form))
    assert ("action", "save") in form.buttons


def test_a_generated_draft_save_changes_every_field_of_every_item(client, page, draft):
    url, form = page
    response = _save(client, url, draft_save(form, 7))
    assert response.status_code == 302
    assert AnswerChange.objects.filter(submission=draft).count() == FULL_SAVE_CHANGES
    answer = draft.answers.get(item__code="1a")
    assert answer.link == "https://legislation.example.org/1a/v7"
    assert answer.policy_name.endswith("(v7)")


@pytest.mark.urls("questionnaire.bench")
def test_the_minimal_save_writes_the_same_answers_and_history_as_the_real_save(client, page, draft):
    url, form = page
    assert _save(client, url, draft_save(form, 1)).status_code == 302
    real = {a.item_id: a for a in draft.answers.all()}
    data = draft_save(form, 2) | {"revision": str(draft.revision + 1)}
    minimal_url = f"/bench/minimal{url}save/"
    assert _post(client, minimal_url, data).status_code == 302

    draft.refresh_from_db()
    assert draft.revision == 2
    assert draft.general_comment == data["general_comment"]
    changes = AnswerChange.objects.filter(submission=draft, revision=2)
    assert changes.count() == FULL_SAVE_CHANGES
    change = changes.get(item__code="1a", field="link")
    assert (change.old_value, change.new_value) == (real[change.item_id].link, data["1a-link"])
    assert _post(client, minimal_url, draft_save(form, 3) | {"revision": "2"}).status_code == 302
    assert draft.answers.get(item__code="1a").link == "https://legislation.example.org/1a/v3"


@pytest.mark.urls("questionnaire.bench")
@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"revision": "0"}, 409),
        ({"1a-link": "ftp://example.org"}, 400),
        ({"1a-option_code": "x"}, 400),
    ],
)
def test_the_minimal_save_refuses_what_the_real_save_refuses_and_changes_nothing(
    client, page, draft, change, status
):
    url, form = page
    assert _save(client, url, draft_save(form, 1)).status_code == 302
    data = draft_save(form, 2) | {"revision": "1"} | change
    assert _post(client, f"/bench/minimal{url}save/", data).status_code == status
    assert Submission.objects.get(pk=draft.pk).revision == 1
    assert AnswerChange.objects.filter(submission=draft).count() == FULL_SAVE_CHANGES


def test_a_bench_run_keeps_the_load_test_figures_and_nothing_else(tmp_path):
    results = tmp_path / "bench-results.json"
    results.write_text(json.dumps({"loadtest.c10": {"errors": 0}, "old.measure": {}}))
    assert _kept_load_test_figures(results) == {"loadtest.c10": {"errors": 0}}
    assert _kept_load_test_figures(tmp_path / "missing.json") == {}


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.10", "8.8.8.8"])
def test_the_load_test_client_refuses_any_host_but_loopback(host):
    with pytest.raises(SystemExit):
        require_loopback(host)
    require_loopback("127.0.0.1")


def test_a_load_test_run_keeps_the_bench_figures(tmp_path):
    from loadtest.__main__ import _merge
    from loadtest.cycle import Phase

    results = tmp_path / "bench-results.json"
    results.write_text(json.dumps({"questionnaire.page_get_cached": {"ratio": 2.5}}))
    phase = Phase("c10", 10, elapsed=2.0)
    phase.record({"cycle": 0.1, "get": 0.05, "save": 0.03, "redirect_get": 0.02})
    phase.fail("save answered 500", "KEN: 500")
    _merge(results, [phase], {"workers": 4})
    figures = json.loads(results.read_text())
    assert figures["questionnaire.page_get_cached"] == {"ratio": 2.5}
    assert figures["loadtest.c10"]["cycles"] == 1
    assert figures["loadtest.c10"]["cycles_per_s"] == 0.5
    assert figures["loadtest.c10"]["cycle_ms"]["p99"] == 100.0
    assert figures["loadtest.c10"]["errors"] == 1
    assert figures["loadtest.c10"]["workers"] == 4
