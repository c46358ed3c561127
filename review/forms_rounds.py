"""The forms of a round's page for administrators: each reads what one service of
``review/services/rounds.py`` takes; the service decides whether it is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from geography.models import Country

REASON_HELP = _("Recorded in the round's history and shown to the people concerned.")


def _reason(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("Reason") if required else _("Reason (optional)"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RoundActionForm(forms.Form):
    """Opening or closing the round: a reason may be given."""

    prefix = "action"
    reason = _reason(required=False)


class PublishForm(forms.Form):
    prefix = "publish"
    confirm = forms.BooleanField(
        label=_(
            "I confirm: publishing freezes the results of every validated country and the "
            "aggregates; they change afterwards only by a revised release."
        ),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )
    reason = _reason(required=False)


class DatesForm(forms.Form):
    prefix = "dates"
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    reason = _reason(required=True)


class ExtensionForm(forms.Form):
    prefix = "extension"
    country = CountryChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name"), empty_label=None
    )
    closes_on = forms.DateField(label=_("New closing date for this country"), widget=DateInput())
    reason = _reason(required=True)


class ExclusionForm(forms.Form):
    """Leaves out of the publication one of the countries whose submission is not validated."""

    prefix = "exclusion"
    country = CountryChoiceField(label=_("Country"), queryset=Country.objects.none())
    reason = _reason(required=True)

    def __init__(self, *args, unsettled_country_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(
            pk__in=list(unsettled_country_ids)
        ).order_by("name")
