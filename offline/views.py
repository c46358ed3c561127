"""The offline questionnaire's pages: download the workbook, upload it, see the dry run, confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from geography.models import Country
from kernel.messages import translate_when_shown
from questionnaire.forms import key_of
from questionnaire.models import QuestionnaireVersion, Round
from questionnaire.pages import questionnaire_for_request
from questionnaire.services.answers import NotEditable

from .forms import WorkbookUploadForm
from .presenter import dry_run_page
from .services import save_uploaded_workbook
from .template_data import template_data
from .uploads import (
    forget_pending,
    keep_pending,
    pending_from_workbook,
    pending_upload,
    plan_upload,
)
from .workbook_reader import WorkbookRefused, max_upload_bytes, open_filled_workbook
from .workbook_template import build_questionnaire_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_url(request, questionnaire) -> str:
    url = reverse("offline:upload", args=[questionnaire.round.code, questionnaire.country.iso3])
    if questionnaire.on_behalf:
        url += "?on_behalf=1"
    return request.build_absolute_uri(url)


@require_GET
@login_required
def download_workbook(request, round_code: str, iso3: str):
    """The questionnaire as an Excel workbook in the page's language, with the saved answers."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    language = get_language()
    data = template_data(
        round=questionnaire.round,
        country=questionnaire.country,
        submission=questionnaire.submission,
        language=language,
        by=request.user,
        upload_url=_upload_url(request, questionnaire),
    )
    response = HttpResponse(content_type=XLSX)
    build_questionnaire_workbook(data).save(response)
    name = (
        f"10.7.2-{questionnaire.round.code}-{questionnaire.country.iso3}-questionnaire-"
        f"{language}-{timezone.localdate().isoformat()}.xlsx"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # It holds a draft's answers: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _page_context(questionnaire, **extra) -> dict:
    return {**questionnaire.context, "max_megabytes": max_upload_bytes() // (1024 * 1024), **extra}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def upload_workbook(request, round_code: str, iso3: str):
    """The upload form; a valid workbook is kept in the session and its dry run shown."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    if questionnaire.refusal:
        return render(
            request,
            "offline/upload.html",
            _page_context(questionnaire, form=None, refusal=questionnaire.refusal),
            status=403 if request.method == "POST" else 200,
        )
    if request.method != "POST":
        form = WorkbookUploadForm(on_behalf=questionnaire.on_behalf)
        return render(request, "offline/upload.html", _page_context(questionnaire, form=form))
    if _body_too_large(request):
        # Refused before the body is read, so a huge upload costs neither memory nor disk.
        form = WorkbookUploadForm(on_behalf=questionnaire.on_behalf)
        problem = _too_large()
        return render(
            request,
            "offline/upload.html",
            _page_context(questionnaire, form=form, problem=problem),
            status=413,
        )
    form = WorkbookUploadForm(request.POST, request.FILES, on_behalf=questionnaire.on_behalf)
    problem = None
    if form.is_valid():
        problem = _read_upload(request, questionnaire, form)
        if not isinstance(problem, str):
            return problem
    return render(
        request,
        "offline/upload.html",
        _page_context(questionnaire, form=form, problem=problem),
        status=400,
    )


# Room in a request's body for the form's other fields around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def _body_too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_upload_bytes() + FORM_OVERHEAD_BYTES


def _too_large() -> str:
    return _("The file is larger than %(limit)s MB; nothing was saved.") % {
        "limit": f"{max_upload_bytes() / 1024 / 1024:g}"
    }


def _read_upload(request, questionnaire, form):
    """A redirect to the dry run, or why the file was refused."""
    uploaded = form.cleaned_data["workbook"]
    if uploaded.size > max_upload_bytes():
        return _too_large()
    content = uploaded.read()
    try:
        filled = open_filled_workbook(content)
    except WorkbookRefused as refusal:
        return refusal.message
    mismatch = _another_questionnaire(filled.meta, questionnaire)
    if mismatch:
        return mismatch
    pending = pending_from_workbook(
        filled,
        content=content,
        file_name=uploaded.name,
        user=request.user,
        on_behalf=questionnaire.on_behalf,
        source=form.cleaned_data.get("source", "").strip(),
    )
    keep_pending(request.session, pending)
    return redirect(_review_url(questionnaire, pending.token))


def _another_questionnaire(meta, questionnaire) -> str | None:
    """Why the workbook is not for this questionnaire, naming what it is for; None if it is."""
    country, round_ = questionnaire.country, questionnaire.round
    if meta.country != country.iso3 or meta.round != round_.code:
        other_country = Country.objects.filter(iso3=meta.country).first()
        other_round = Round.objects.filter(code=meta.round).first()
        return _(
            "This workbook is for another questionnaire (%(country)s, %(round)s), not for "
            "%(this_country)s in %(this_round)s; nothing was saved."
        ) % {
            "country": other_country.display_name if other_country else meta.country,
            "round": other_round.display_name if other_round else meta.round,
            "this_country": country.display_name,
            "this_round": round_.display_name,
        }
    if meta.questionnaire_version != round_.version.code:
        other_version = QuestionnaireVersion.objects.filter(code=meta.questionnaire_version).first()
        return _(
            "This workbook was made for another version of the questionnaire (%(version)s); this "
            "round uses %(round_version)s. Download the workbook again and copy the answers into "
            "it; nothing was saved."
        ) % {
            "version": other_version.name if other_version else meta.questionnaire_version,
            "round_version": round_.version.name,
        }
    return None


def _review_url(questionnaire, token: str) -> str:
    url = reverse(
        "offline:review", args=[questionnaire.round.code, questionnaire.country.iso3, token]
    )
    return f"{url}?on_behalf=1" if questionnaire.on_behalf else url


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def review_upload(request, round_code: str, iso3: str, token: str):
    """The dry run of a waiting upload; its confirmation (or discarding) by POST."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    pending = pending_upload(request.session, token, user=request.user)
    if (
        pending is None
        or pending.round != questionnaire.round.code
        or pending.country != questionnaire.country.iso3
    ):
        return render(
            request,
            "offline/upload_gone.html",
            _page_context(questionnaire),
            status=404,
        )
    questionnaire.on_behalf = pending.on_behalf
    if request.method == "POST" and request.POST.get("action") == "discard":
        forget_pending(request.session, token)
        messages.info(
            request, gettext_lazy("The uploaded workbook was discarded; nothing was saved.")
        )
        return redirect(questionnaire.url)
    if questionnaire.refusal:
        if request.method == "POST":
            forget_pending(request.session, token)
        return render(
            request,
            "offline/upload.html",
            _page_context(questionnaire, form=None, refusal=questionnaire.refusal),
            status=403 if request.method == "POST" else 200,
        )
    try:
        upload = plan_upload(pending, round=questionnaire.round, country=questionnaire.country)
    except ValueError:
        return _refused_upload(request, questionnaire, token)
    if request.method != "POST":
        return _dry_run(request, questionnaire, pending, upload)
    return _confirm(request, questionnaire, pending, upload)


def _refused_upload(request, questionnaire, token):
    forget_pending(request.session, token)
    problem = _(
        "This workbook is based on answers this questionnaire never had; download the workbook "
        "again. Nothing was saved."
    )
    form = WorkbookUploadForm(on_behalf=questionnaire.on_behalf)
    return render(
        request,
        "offline/upload.html",
        _page_context(questionnaire, form=form, problem=problem),
        status=400,
    )


def _dry_run(request, questionnaire, pending, upload, *, choices=None, missing=(), status=200):
    page = dry_run_page(
        upload,
        round=questionnaire.round,
        where=pending.where_by_key(),
        choices=choices,
        choice_errors=missing,
    )
    return render(
        request,
        "offline/dry_run.html",
        _page_context(questionnaire, pending=pending, page=page, token=pending.token),
        status=status,
    )


def _choices(post) -> tuple[dict, dict, dict]:
    """The user's choice for each conflict shown: (choices, kept theirs, overruled with seen)."""
    choices, keep_theirs, overrule = {}, set(), {}
    for name in post.getlist("conflicted"):
        key = key_of(name)
        if key is None:
            continue
        choice = post.get(f"resolve:{name}", "")
        choices[key] = choice
        if choice == "theirs":
            keep_theirs.add(key)
        elif choice == "mine":
            overrule[key] = post.get(f"seen:{name}", "")
    return choices, keep_theirs, overrule


def _confirm(request, questionnaire, pending, upload):
    choices, keep_theirs, overrule = _choices(request.POST)
    conflicts = [c.key for c in upload.plan.conflicts]
    missing = [key for key in conflicts if choices.get(key) not in ("theirs", "mine")]
    if missing:
        messages.error(
            request,
            gettext_lazy("Nothing was saved: choose which value to keep for each conflict."),
        )
        return _dry_run(
            request, questionnaire, pending, upload, choices=choices, missing=missing, status=422
        )
    try:
        outcome, _record = save_uploaded_workbook(
            round=questionnaire.round,
            country=questionnaire.country,
            by=request.user,
            pending=pending,
            upload=upload,
            keep_theirs=keep_theirs & set(conflicts),
            overrule={key: seen for key, seen in overrule.items() if key in conflicts},
        )
    except NotEditable as refusal:
        forget_pending(request.session, pending.token)
        return render(
            request,
            "offline/upload.html",
            _page_context(questionnaire, form=None, refusal=refusal.message),
            status=403,
        )
    except ValueError:
        return _refused_upload(request, questionnaire, pending.token)
    if outcome.conflicts:
        if outcome.changed:
            messages.success(request, gettext_lazy("Your other changes were saved."))
        messages.warning(
            request,
            gettext_lazy(
                "Someone saved some of the same fields after you saw the dry run: they were not "
                "saved. Choose again which value to keep."
            ),
        )
        fresh = plan_upload(pending, round=questionnaire.round, country=questionnaire.country)
        return _dry_run(request, questionnaire, pending, fresh, status=409)
    forget_pending(request.session, pending.token)
    if outcome.changed:
        messages.success(
            request,
            translate_when_shown(
                ngettext_lazy(
                    "The workbook's answers were saved as a draft (%(count)s field changed).",
                    "The workbook's answers were saved as a draft (%(count)s fields changed).",
                    len(outcome.changed),
                ),
                count=len(outcome.changed),
            ),
        )
    else:
        messages.info(
            request, gettext_lazy("The workbook held nothing new: no answer was changed.")
        )
    return redirect(questionnaire.url)
