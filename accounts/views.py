"""The password change and reset pages, throttled (see accounts.throttling)."""

from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError

from . import throttling
from .forms import ThrottledPasswordChangeForm, ThrottledPasswordResetForm


class ThrottledPasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.paused:
            response.status_code = 429
        return response


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def form_valid(self, form):
        accepted = throttling.accept_password_reset_request(
            email=form.cleaned_data["email"],
            ip_address=throttling.client_ip_address(self.request),
        )
        if not accepted:
            form.add_error(
                None,
                ValidationError(form.error_messages["throttled"], code="throttled"),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)
