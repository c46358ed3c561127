from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from . import throttling

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
