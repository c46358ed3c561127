import base64

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, UserChangeForm
from django.core import signing
from django.utils.translation import gettext_lazy as _

from . import throttling
from .models import User

PAUSED = _(
    "Too many wrong passwords: changing your password is paused for a while. "
    "Try again later, or log out and reset your password."
)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """A wrong old password counts as a failed login; after the same number of failures as for
    logging in, the form is refused for a while without checking the password at all."""

    error_messages = {**PasswordChangeForm.error_messages, "paused": PAUSED}

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        self.paused = False
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        if throttling.password_changes_locked(request=self.request, user=self.user):
            self.paused = True
            raise forms.ValidationError(self.error_messages["paused"], code="paused")
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            if throttling.record_wrong_old_password(request=self.request, user=self.user):
                self.paused = True
                raise forms.ValidationError(self.error_messages["paused"], code="paused") from None
            raise


class ThrottledPasswordResetForm(PasswordResetForm):
    error_messages = {
        "throttled": _(
            "Too many password reset requests for this address or from your network. "
            "Please wait an hour and try again; if the address has an account, a link was "
            "already sent to it."
        ),
    }


# ------------------------------------------------------------------------------ managing people


class InviteForm(forms.ModelForm):
    """The admin's "add user" form: no password, the invitee chooses one through the e-mail."""

    class Meta:
        model = User
        fields = (
            "email",
            "first_name",
            "last_name",
            "role",
            "countries",
            "regions",
            "preferred_language",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "The invitation, with a link to choose a password, is sent to this address."
        )

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Someone already has this e-mail address."), code="duplicate"
            )
        return email


class ManagedUserChangeForm(UserChangeForm):
    """The admin's change form; ``by`` (the administrator) is set by the admin. Role, assignments,
    activation and language are saved through ``accounts.services.change_user``."""

    by = None

    def clean_email(self):
        email = User.objects.normalize_email((self.cleaned_data.get("email") or "").strip())
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Someone else already has this e-mail address."), code="duplicate"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        from .services import UNSET, check_change_allowed

        try:
            check_change_allowed(
                by=self.by,
                user=self.instance,
                role=cleaned.get("role", UNSET),
                is_active=cleaned.get("is_active", UNSET),
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are they deactivated?"),
        help_text=_("Kept with the record of the change."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of focal points"),
        help_text=_("CSV (UTF-8, commas or semicolons) or Excel .xlsx, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ImportConfirmForm(forms.Form):
    """Carries the checked file back, signed (for this administrator, for an hour), so the import
    is exactly what the dry run showed, with nothing kept on the server in between."""

    MAX_AGE = 3600

    data = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, by, **kwargs):
        self.by = by
        super().__init__(*args, **kwargs)

    @staticmethod
    def salt(by) -> str:
        return f"accounts.bulk_import:{by.pk}"

    @classmethod
    def for_file(cls, *, by, filename: str, content: bytes) -> "ImportConfirmForm":
        signed = signing.dumps(
            {"filename": filename, "content": base64.b64encode(content).decode("ascii")},
            salt=cls.salt(by),
            compress=True,
        )
        return cls(by=by, initial={"data": signed})

    def clean_data(self):
        try:
            payload = signing.loads(
                self.cleaned_data["data"], salt=self.salt(self.by), max_age=self.MAX_AGE
            )
            return payload["filename"], base64.b64decode(payload["content"], validate=True)
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                _("This confirmation has expired or was altered: upload the file again."),
                code="signature",
            ) from None
