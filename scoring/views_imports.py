"""The upload page of files of results published by the UN, for administrators.

An upload is first a dry run: the page shows what the import would write (new values, changed
values old -> new, unchanged values, skipped rows, problems by line) and writes nothing. The file
is kept in the session with its SHA-256 and the fingerprint of what the dry run showed; confirming
imports that very file, and only if it still writes exactly what was shown."""

import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.messages import translate_when_shown
from policyindex import access
from scoring.forms import ConfirmImportForm, PublishedResultsUploadForm
from scoring.services.imports import import_published_results

PENDING = "scoring.pending_import"
# A file of the whole SG_CPA_MIGRS series is well under 1 MB; the session keeps the file until
# it is confirmed, so anything much larger is refused.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _refused(request):
    return render(
        request,
        "scoring/import_refused.html",
        {"message": _("Only an administrator imports published results.")},
        status=403,
    )


def _dry_run_page(request, *, outcome, file_name, confirm_form=None, status=200):
    context = {"outcome": outcome, "file_name": file_name, "confirm_form": confirm_form}
    return render(request, "scoring/import_dry_run.html", context, status=status)


@login_required
def upload(request):
    if not access.can_manage_rounds(request.user):
        return _refused(request)
    form = PublishedResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "scoring/import_upload.html", {"form": form})
    upload_file = form.cleaned_data["file"]
    if upload_file.size > MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is larger than 5 MB: it is not a file of this series."))
        return render(request, "scoring/import_upload.html", {"form": form})
    data = upload_file.read()
    options = {
        "file_name": upload_file.name,
        "reason": form.cleaned_data["reason"],
        "revise_release": form.cleaned_data["revise_release"],
    }
    outcome = import_published_results(data=data, by=request.user, dry_run=True, **options)
    request.session.pop(PENDING, None)
    confirm_form = None
    if outcome.ok and (outcome.new_values or outcome.changed_values):
        sha256 = hashlib.sha256(data).hexdigest()
        request.session[PENDING] = {
            **options,
            "sha256": sha256,
            "fingerprint": outcome.fingerprint,
            "content": base64.b64encode(data).decode("ascii"),
        }
        confirm_form = ConfirmImportForm(
            initial={"sha256": sha256, "fingerprint": outcome.fingerprint}
        )
    return _dry_run_page(
        request, outcome=outcome, file_name=upload_file.name, confirm_form=confirm_form
    )


@login_required
@require_POST
def confirm(request):
    if not access.can_manage_rounds(request.user):
        return _refused(request)
    pending = request.session.get(PENDING)
    form = ConfirmImportForm(request.POST)
    data = base64.b64decode(pending["content"]) if pending else b""
    if (
        pending is None
        or not form.is_valid()
        or form.cleaned_data["sha256"] != pending["sha256"]
        or form.cleaned_data["fingerprint"] != pending["fingerprint"]
        or hashlib.sha256(data).hexdigest() != pending["sha256"]
    ):
        messages.error(
            request,
            translate_when_shown(
                gettext_lazy(
                    "Nothing was imported: this is not the file of the last dry run. Upload the "
                    "file again to see what it would change."
                )
            ),
        )
        return redirect("scoring:import")
    del request.session[PENDING]
    outcome = import_published_results(
        data=data,
        file_name=pending["file_name"],
        by=request.user,
        reason=pending["reason"],
        revise_release=pending["revise_release"],
        expected_fingerprint=pending["fingerprint"],
    )
    if not outcome.ok:
        return _dry_run_page(request, outcome=outcome, file_name=pending["file_name"])
    messages.success(
        request,
        translate_when_shown(
            gettext_lazy(
                "%(file)s imported: %(new)s new and %(changed)s changed value(s), recorded as "
                "import #%(number)s."
            ),
            file=pending["file_name"],
            new=outcome.new_values,
            changed=outcome.changed_values,
            number=outcome.result_import.pk if outcome.result_import else "-",
        ),
    )
    return redirect("scoring:import")
