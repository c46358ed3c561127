"""The dashboard's filters (SDG region, state) and its sort orders, with django-filter.

The queryset filtered is ``review.selectors.dashboard_countries``: countries annotated with their
submission's state, last activity and score. A value that is not a choice is ignored (the form
shows why), never an error page.
"""

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from review import selectors


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


# Sort parameter to the columns it orders by; every order ends with the country's name.
SORTS = {
    "country": ("sort_name",),
    "state": ("status_rank", "sort_name"),
    "activity": ("last_activity", "sort_name"),
    "score": ("score", "sort_name"),
}
SORT_LABELS = {
    "country": _("Country"),
    "state": _("State"),
    "activity": _("Last activity"),
    "score": _("Score"),
}


class DashboardOrdering(django_filters.OrderingFilter):
    """Sorts by one column, ascending or descending; rows without a value come last either way."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fields", {name: name for name in SORTS})
        choices = []
        for name, label in SORT_LABELS.items():
            choices.append((name, label))
            choices.append((f"-{name}", _("%(column)s (descending)") % {"column": label}))
        kwargs.setdefault("choices", choices)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        param = value[0]
        descending = param.startswith("-")
        columns = SORTS.get(param.lstrip("-"))
        if columns is None:
            return qs
        first, *rest = columns
        expression = F(first)
        ordering = [
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True),
            *(F(c).asc() for c in rest),
        ]
        return qs.order_by(*ordering)


class DashboardFilter(django_filters.FilterSet):
    region = RegionFilter(
        field_name="sdg_region",
        label=_("Region"),
        empty_label=_("All regions"),
        queryset=None,
    )
    state = django_filters.ChoiceFilter(
        field_name="status",
        label=_("State"),
        choices=selectors.STATUS_CHOICES,
        empty_label=_("All states"),
    )
    sort = DashboardOrdering(label=_("Sort by"), empty_label=None)

    def __init__(self, data=None, *args, visible, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Before the form is built (lazily): only the regions of the user's countries are offered.
        self.filters["region"].queryset = selectors.scope_regions(visible)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select")
        return form

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by("sort_name")
        return queryset

    @property
    def current_sort(self) -> str:
        """The sort in force (e.g. "-score"), "country" by default."""
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort"):
            return self.form.cleaned_data["sort"][0]
        return "country"
