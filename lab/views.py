"""The methodology lab: the official methodology as data, variants of it, and their comparison with
the official results of a round. Analysts and administrators only; nothing here is official."""

import hashlib
import io

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kernel.page_cache import page_with_own_token
from policyindex.access import can_run_lab_on_round, can_use_lab
from questionnaire.models import Round
from scoring import engine
from scoring.methodologies import official_methodology
from scoring.selectors import sensitivity_rows

from . import comparison as comparing
from .forms import VariantForm
from .models import Variant
from .presentation import instrument_labels, rule_rows
from .rules import methodology_of, official_rules
from .selectors import variant_or_none
from .services import VariantRefused, create_variant
from .workbook import ComparisonExport, build_comparison_workbook, file_name

# A computed comparison is kept this long for the same variant, round, data and language.
KEEP_SECONDS = 600


def _lab_user(request) -> None:
    if not can_use_lab(request.user):
        raise Http404


@login_required
def index(request):
    _lab_user(request)
    labels = instrument_labels()
    rules = official_rules()
    variants = Variant.objects.select_related("created_by")
    return render(
        request,
        "lab/index.html",
        {
            "version": engine.METHODOLOGY_VERSION,
            "rows": rule_rows(rules, labels),
            "variants": variants,
        },
    )


@login_required
def new_variant(request):
    _lab_user(request)
    labels = instrument_labels()
    source = None
    if request.GET.get("from", "").isdigit():
        source = Variant.objects.filter(pk=int(request.GET["from"])).first()
    if request.method == "POST":
        form = VariantForm(request.POST, labels=labels)
        if form.is_valid():
            try:
                variant = create_variant(
                    by=request.user,
                    name=form.cleaned_data["name"],
                    reason=form.cleaned_data["reason"],
                    rules=form.rules(),
                )
            except VariantRefused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                return redirect("lab:variant", pk=variant.pk)
    elif source is not None:
        form = VariantForm(
            initial=VariantForm.initial_from(
                source.rules,
                name=_("%(name)s (changed)") % {"name": source.name},
                reason=source.reason,
            ),
            labels=labels,
        )
    else:
        form = VariantForm(initial=VariantForm.initial_from(official_rules()), labels=labels)
    return render(request, "lab/variant_form.html", {"form": form, "source": source})


@login_required
def variant_detail(request, pk: int):
    _lab_user(request)
    variant = get_object_or_404(Variant.objects.select_related("created_by"), pk=pk)
    return render(
        request,
        "lab/variant_detail.html",
        {
            "variant": variant,
            "rows": rule_rows(variant.rules, instrument_labels()),
            "rounds": [
                r for r in comparing.rounds_with_results() if can_run_lab_on_round(request.user, r)
            ],
        },
    )


def _variant_and_round(request, pk: int, round_code: str):
    _lab_user(request)
    variant = variant_or_none(pk)
    round_ = comparing.round_with_fingerprint(round_code)
    if variant is None or round_ is None:
        raise Http404
    if not can_run_lab_on_round(request.user, round_):
        raise PermissionDenied
    return variant, round_


def _digest(text: str) -> str:
    """A fixed-length stand-in for text a visitor controls (an address), in a cache key."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cache_key(variant: Variant, round_: Round) -> str:
    """Per variant (never changed), round, data and language (names are in the comparison)."""
    fingerprint = repr(comparing.data_fingerprint(round_)).encode()
    return ":".join(
        [
            "lab:comparison",
            str(variant.pk),
            str(round_.pk),
            hashlib.sha256(fingerprint).hexdigest()[:32],
            translation.get_language() or "en",
        ]
    )


def _comparison(variant: Variant, round_: Round, key: str) -> comparing.Comparison:
    """The comparison, computed once per cache key."""
    found = cache.get(key)
    if found is None:
        data = comparing.load_round_data(round_)
        found = comparing.compare(data, methodology_of(variant))
        cache.set(key, found, KEEP_SECONDS)
    return found


@login_required
def comparison(request, pk: int, round_code: str):
    variant, round_ = _variant_and_round(request, pk, round_code)
    key = _cache_key(variant, round_)
    # The tables (the heavy part of the page) are kept with the comparison they show.
    body = cache.get(f"{key}:body")
    if body is None:
        body = render_to_string(
            "lab/comparison_body.html",
            {
                "variant": variant,
                "round": round_,
                "comparison": _comparison(variant, round_, key),
                "official_aggregate": sorted(engine.OFFICIAL.aggregate_categories),
            },
        )
        cache.set(f"{key}:body", body, KEEP_SECONDS)
    context = {"variant": variant, "round": round_, "body": body}
    # The whole page too, for this person (their navigation) at this address.
    return page_with_own_token(
        request,
        key=f"{key}:page:{request.user.pk}:{_digest(request.get_full_path())}",
        render=lambda extra: render_to_string(
            "lab/comparison.html", {**context, **extra}, request=request
        ),
        seconds=KEEP_SECONDS,
    )


@login_required
def country(request, pk: int, round_code: str, iso3: str):
    """One country of the comparison: its categories under both, and which answers would move its
    overall category up or down under each (the fewest, ``scoring.sensitivity``)."""
    variant, round_ = _variant_and_round(request, pk, round_code)
    data = comparing.load_round_data(round_)
    found = next((c for c in data.countries if c.iso3 == iso3.upper()), None)
    if found is None:
        raise Http404
    methodology = methodology_of(variant)
    round_ = Round.objects.select_related("version").get(pk=round_.pk)
    official = official_methodology(round_.version)
    return render(
        request,
        "lab/country.html",
        {
            "variant": variant,
            "round": round_,
            "country": found,
            "official": comparing.score(found.answers, official),
            "under_variant": comparing.score(found.answers, methodology),
            "variant_sensitivity": sensitivity_rows(
                round=round_, answers=found.answers, methodology=methodology
            ),
            "official_sensitivity": sensitivity_rows(
                round=round_, answers=found.answers, methodology=official
            ),
        },
    )


@login_required
def comparison_workbook(request, pk: int, round_code: str):
    variant, round_ = _variant_and_round(request, pk, round_code)
    result = _comparison(variant, round_, _cache_key(variant, round_))
    creator = variant.created_by
    export = ComparisonExport(
        variant_pk=variant.pk,
        variant_name=variant.name,
        variant_reason=variant.reason,
        created_by=creator.get_full_name() or creator.username,
        created_at=timezone.localtime(variant.created_at),
        based_on=variant.based_on,
        comparison=result,
        rule_rows=rule_rows(variant.rules, instrument_labels()),
    )
    buffer = io.BytesIO()
    build_comparison_workbook(export).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = file_name(round_.code, variant.pk, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def comparison_url(variant: Variant, round_: Round) -> str:
    return reverse("lab:comparison", kwargs={"pk": variant.pk, "round_code": round_.code})
