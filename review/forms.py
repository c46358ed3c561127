"""The review's small forms: each reads its posted fields and nothing else."""

from django import forms
from django.utils.translation import gettext_lazy as _

MESSAGE_LIMIT = 5000


class ReasonForm(forms.Form):
    """A reason, required by returning and reopening (the service says so if it is blank)."""

    reason = forms.CharField(label=_("Reason"), max_length=MESSAGE_LIMIT, required=False)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=MESSAGE_LIMIT, required=False)


class QueryForm(MessageForm):
    item = forms.CharField(label=_("Item"), max_length=10, required=False)
    flag = forms.CharField(label=_("Consistency check"), max_length=60, required=False)
