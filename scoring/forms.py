"""Forms of the scoring pages: the upload of a file of results published by the UN."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishedResultsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of published results"),
        help_text=_(
            "Series SG_CPA_MIGRS as the UN hands it out: SDMX-CSV from data.un.org, the SDG "
            "Global Database CSV or the SDG API JSON."
        ),
    )
    revise_release = forms.BooleanField(
        label=_("This is a revision of the release of a published round"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Why the file is imported; required for a revision of a release."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revise_release") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("A revision of a release needs a reason."))
        return cleaned


class ConfirmImportForm(forms.Form):
    """The dry run the administrator saw: its file's SHA-256 and what it would write."""

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
