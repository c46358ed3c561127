"""Evidence files on the questionnaire: attaching, removing (after a confirmation) and downloading.

"Attach" and "Remove…" are buttons of the questionnaire's own form (``formaction``), so what the
user typed travels with them: attaching saves the draft with the file, and removing saves the
draft before asking for confirmation. The form is multipart, so a file chosen goes with whichever
button is pressed: "Save draft", a change of language and "Submit…" hand such a form here
(``save_with_files``, ``submit_with_files``), and "Remove…" attaches it too. A file that is refused (empty, too large, not an accepted
type, one too many, already attached) saves nothing: the form comes back as typed, with the reason
at the item. Downloads are for whoever may see the submission; anyone else gets 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kernel.messages import translate_when_shown
from policyindex.access import can_see_evidence_file

from .evidence_markup import FILE_FIELD, file_input_name
from .evidence_types import FileRefused, check_upload, download_name
from .form_saving import (
    form_with_what_was_not_saved,
    fresh_submission,
    merge_posted_form,
    posted_for_another_questionnaire,
    set_language_chosen_on_the_form,
)
from .forms import read_posted
from .instrument_cache import version_items
from .pages import (
    Questionnaire,
    questionnaire_for_request,
    read_only_page,
    refused_page,
    review_notes,
)
from .presenter import questionnaire_page
from .services.evidence import (
    EvidenceRefused,
    attach_evidence_file,
    downloadable,
    file_by_key,
    is_removed,
    remove_evidence_file,
    room_refusal,
)


def _at_item(questionnaire: Questionnaire, code: str) -> str:
    return f"{questionnaire.url}#files-{code}" if code else questionnaire.url


def _refused_here(request, questionnaire: Questionnaire):
    """The user may not change this questionnaire: the read-only copy says why."""
    messages.error(request, _("Nothing was saved. %(reason)s") % {"reason": questionnaire.refusal})
    return read_only_page(request, questionnaire, status=403)


# --- Attaching --------------------------------------------------------------------------------


def _chosen_files(request, items) -> dict[str, list]:
    """Item code to the files chosen in its file control (every item's, not only the one whose
    "Attach" was pressed: a file chosen is never silently left behind)."""
    chosen = {}
    for item in items:
        files = [f for f in request.FILES.getlist(file_input_name(item.code)) if f is not None]
        if files:
            chosen[item.code] = files
    return chosen


def _checked(questionnaire: Questionnaire, chosen: dict[str, list]):
    """The files checked by content and against the room left at their item: (accepted, errors),
    accepted as item code to (file, what was found) pairs, errors as item code to a message."""
    accepted: dict[str, list] = {}
    errors: dict[str, str] = {}
    for code, files in chosen.items():
        problems = []
        for uploaded in files:
            try:
                accepted.setdefault(code, []).append((uploaded, check_upload(uploaded)))
            except FileRefused as refusal:
                problems.append(refusal.message)
        if not problems:
            found = [checked for _file, checked in accepted.get(code, [])]
            refusal = room_refusal(questionnaire.submission, code, found)
            if refusal:
                problems.append(refusal)
        if problems:
            errors[code] = " ".join(problems)
    return accepted, errors


def _form_again(request, questionnaire: Questionnaire, file_errors: dict[str, str]):
    """Nothing saved: the form as the user sent it, based on the revision they had, with why each
    file was refused at its item (and the other fields' own problems, if any)."""
    posted = read_posted(version_items(questionnaire.round.version), request.POST)
    if posted.base_revision is None:
        return refused_page(request, _("This form is incomplete; nothing was saved."), status=400)
    page = questionnaire_page(
        **questionnaire.subject, typed=posted.typed, errors=posted.errors, file_errors=file_errors
    )
    messages.error(
        request,
        _(
            "Nothing was attached or saved. What you typed is kept in the form: choose the file again."
        ),
    )
    context = {
        **questionnaire.context,
        **review_notes(request, questionnaire),
        "page": page,
        # The revision the user's form was based on: nothing was merged.
        "revision": posted.base_revision,
    }
    return render(request, "questionnaire/fill.html", context, status=422)


def files_were_chosen(request) -> bool:
    """Whether the posted form carries a file at any item (browsers send no file for an empty
    control). The form is multipart, so whichever of its buttons was pressed, chosen files come
    along and must not be dropped."""
    suffix = f"-{FILE_FIELD}"
    return any(name.endswith(suffix) for name in request.FILES)


def _save_and_attach(request, round_code: str, iso3: str, *, pressed: str | None = None):
    """Checks every chosen file, then saves the draft from the posted form and attaches them; a
    refused file saves nothing. ``pressed`` is the item whose "Attach" was used, which then needs
    a file. Returns (questionnaire, posted, outcome, codes of the items given a file) or a
    response when nothing was saved."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    if questionnaire.refusal:
        return _refused_here(request, questionnaire)
    if posted_for_another_questionnaire(request.POST, questionnaire):
        return refused_page(
            request,
            _("This form was sent for another questionnaire; nothing was saved."),
            questionnaire=questionnaire,
        )
    items = version_items(questionnaire.round.version)
    chosen = _chosen_files(request, items)
    accepted, errors = _checked(questionnaire, chosen)
    if pressed is not None and not chosen:
        code = pressed if pressed in {item.code for item in items} else items[0].code
        errors[code] = _("Choose a file to attach first.")
    if errors:
        return _form_again(request, questionnaire, errors)

    merged = merge_posted_form(request, round_code, iso3)
    if not isinstance(merged, tuple):
        return merged
    questionnaire, posted, outcome = merged
    attached = []
    for code, pairs in accepted.items():
        for uploaded, checked in pairs:
            try:
                attach_evidence_file(
                    submission=questionnaire.submission,
                    item_code=code,
                    uploaded_file=uploaded,
                    checked=checked,
                    by=request.user,
                    on_behalf=questionnaire.on_behalf,
                )
            except EvidenceRefused as refusal:
                messages.error(request, refusal.message)
            else:
                attached.append(code)
                messages.success(
                    request,
                    translate_when_shown(
                        gettext_lazy("“%(name)s” was attached to item %(code)s."),
                        name=checked.name,
                        code=code,
                    ),
                )
    questionnaire.submission = fresh_submission(questionnaire.submission, questionnaire)
    return questionnaire, posted, outcome, attached


@require_POST
@login_required
def attach_files(request, round_code: str, iso3: str):
    """The questionnaire's form sent by an "Attach" button: checks every chosen file, then saves
    the draft and attaches them; a refused file saves nothing."""
    return save_with_files(request, round_code, iso3, pressed=request.POST.get("attach", ""))


def save_with_files(request, round_code: str, iso3: str, *, pressed: str | None = None):
    """The form saved with the files chosen attached: from "Attach" (``pressed`` names its item),
    or from "Save draft" or a change of language (which saves first) with a file chosen, so
    that the file is never left behind."""
    saved = _save_and_attach(request, round_code, iso3, pressed=pressed)
    if not isinstance(saved, tuple):
        return saved
    questionnaire, posted, outcome, attached = saved
    if posted.errors or outcome.conflicts:
        return form_with_what_was_not_saved(request, questionnaire, posted, outcome)
    if outcome.changed:
        messages.success(request, gettext_lazy("Draft saved."))
    response = redirect(_at_item(questionnaire, attached[0] if attached else pressed or ""))
    set_language_chosen_on_the_form(request, response)
    return response


def submit_with_files(request, round_code: str, iso3: str):
    """ "Submit the questionnaire…" with a file chosen: the file is attached and the draft saved
    first, and the focal point, back at the form, sees both before submitting."""
    saved = _save_and_attach(request, round_code, iso3)
    if not isinstance(saved, tuple):
        return saved
    questionnaire, posted, outcome, attached = saved
    if posted.errors or outcome.conflicts:
        messages.error(request, gettext_lazy("The questionnaire was not submitted."))
        return form_with_what_was_not_saved(request, questionnaire, posted, outcome)
    if outcome.changed:
        messages.success(request, gettext_lazy("Your changes were saved as a draft."))
    if attached:
        messages.info(
            request,
            gettext_lazy(
                "The questionnaire was not submitted yet: the files you chose were attached "
                "first. Check them, then submit again."
            ),
        )
    else:  # each refusal is said above
        messages.error(request, gettext_lazy("The questionnaire was not submitted."))
    # The top of the page, where the messages say it was not submitted yet.
    return redirect(questionnaire.url)


# --- Removing ---------------------------------------------------------------------------------


class RemovalForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why (optional)"), required=False, max_length=500, strip=True
    )


def _file_of(request, questionnaire: Questionnaire, key):
    evidence_file = file_by_key(
        key=key, round_code=questionnaire.round.code, iso3=questionnaire.country.iso3
    )
    if evidence_file is None or not can_see_evidence_file(request.user, evidence_file):
        raise Http404
    return evidence_file


def _remove_url(questionnaire: Questionnaire, evidence_file) -> str:
    url = reverse(
        "questionnaire:remove_evidence_file",
        kwargs={
            "round_code": questionnaire.round.code,
            "iso3": questionnaire.country.iso3,
            "key": evidence_file.key,
        },
    )
    return f"{url}?on_behalf=1" if questionnaire.on_behalf else url


@require_http_methods(["GET", "POST"])
@login_required
def remove_file(request, round_code: str, iso3: str, key):
    """GET: asks to confirm the removal. POST from the questionnaire's form (its "Remove…"
    button): saves the draft, then asks. POST from the confirmation: removes the file."""
    questionnaire = questionnaire_for_request(request, round_code, iso3)
    evidence_file = _file_of(request, questionnaire, key)
    code = evidence_file.item.code
    if request.method == "POST" and request.POST.get("confirmed") != "1":
        if files_were_chosen(request):
            merged = _save_and_attach(request, round_code, iso3)
        else:
            merged = merge_posted_form(request, round_code, iso3)
        if not isinstance(merged, tuple):
            return merged
        questionnaire, posted, outcome = merged[:3]
        if posted.errors or outcome.conflicts:
            messages.info(
                request,
                gettext_lazy(
                    "The file was not removed: settle the fields below, then press Remove again."
                ),
            )
            return form_with_what_was_not_saved(request, questionnaire, posted, outcome)
        if outcome.changed:
            messages.success(request, gettext_lazy("Draft saved."))
        return redirect(_remove_url(questionnaire, evidence_file))
    if questionnaire.refusal:
        if request.method == "POST":
            return _refused_here(request, questionnaire)
        return read_only_page(request, questionnaire, status=403)
    if is_removed(evidence_file):
        messages.info(
            request,
            translate_when_shown(
                gettext_lazy("“%(name)s” was already removed."), name=evidence_file.original_name
            ),
        )
        return redirect(_at_item(questionnaire, code))
    form = RemovalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            remove_evidence_file(
                evidence_file=evidence_file,
                by=request.user,
                on_behalf=questionnaire.on_behalf,
                note=form.cleaned_data["note"],
            )
        except EvidenceRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                translate_when_shown(
                    gettext_lazy("“%(name)s” was removed from item %(code)s."),
                    name=evidence_file.original_name,
                    code=code,
                ),
            )
        return redirect(_at_item(questionnaire, code))
    return render(
        request,
        "questionnaire/confirm_remove_file.html",
        {
            **questionnaire.context,
            "evidence_file": evidence_file,
            "form": form,
            "back_url": _at_item(questionnaire, code),
            "action_url": _remove_url(questionnaire, evidence_file),
        },
        status=422 if form.is_bound else 200,
    )


# --- Downloading ------------------------------------------------------------------------------


@require_GET
def download_file(request, round_code: str, iso3: str, key):
    """The file's bytes, as a download under its own name, for whoever may see the submission;
    404 for anyone else (signed out too), and for a file removed from a draft before any
    submitted version listed it."""
    evidence_file = file_by_key(key=key, round_code=round_code, iso3=iso3.upper())
    if (
        evidence_file is None
        or not can_see_evidence_file(request.user, evidence_file)
        or not downloadable(evidence_file)
    ):
        raise Http404
    try:
        handle = evidence_file.file.storage.open(evidence_file.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence_file.original_name, evidence_file.content_type),
        content_type=evidence_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in a browser tab anyway, the file may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
