"""The form of a new variant: name, why, every option value per domain, imputation, six weights,
three thresholds and the categories the aggregates count. Numbers are read exactly ("0.5", "1/2")."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import engine

from .presentation import Labels, category_label, imputation_label
from .rules import decimal_str, parse_exact, rules_problems


class ExactNumberField(forms.CharField):
    """A number read exactly: "0.5", "0,5", "1/2" or "80"; refused otherwise."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": "8"})

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_exact(value)
        except ValueError:
            raise forms.ValidationError(
                _("Give an exact number, such as 0.5 or 1/2."), code="not_exact"
            ) from None


def value_field(number: int, code: str) -> str:
    return f"value_{number}_{code}"


def weight_field(number: int) -> str:
    return f"weight_{number}"


THRESHOLD_FIELDS = ("threshold_2", "threshold_3", "threshold_4")


class VariantForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What question this variant answers, for whoever reads it later."),
    )
    imputation = forms.ChoiceField(label=gettext_lazy("Unanswered items"), widget=forms.RadioSelect)
    aggregate = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Categories the aggregates count"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, labels: Labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels
        self.fields["imputation"].choices = [
            (code, imputation_label(code)) for code in (engine.IMPUTE_ZERO, engine.IMPUTE_OMIT)
        ]
        self.fields["aggregate"].choices = [(c, category_label(c)) for c in (1, 2, 3, 4)]
        for rule in engine.OFFICIAL.domains:
            for code in rule.option_values:
                self.fields[value_field(rule.number, code)] = ExactNumberField(
                    label=labels.options[rule.number][code]
                )
            self.fields[weight_field(rule.number)] = ExactNumberField(
                label=f"{rule.number}. {labels.domains[rule.number]}"
            )
        for index, name in enumerate(THRESHOLD_FIELDS):
            self.fields[name] = ExactNumberField(label=category_label(index + 2))

    @staticmethod
    def initial_from(rules: dict, *, name: str = "", reason: str = "") -> dict:
        initial = {
            "name": name,
            "reason": reason,
            "imputation": rules["imputation"],
            "aggregate": list(rules["aggregate"]),
        }
        for number, options in rules["values"].items():
            for code, value in options.items():
                initial[value_field(int(number), code)] = decimal_str(parse_exact(value))
        for number, weight in rules["weights"].items():
            initial[weight_field(int(number))] = decimal_str(parse_exact(weight))
        for name_, threshold in zip(THRESHOLD_FIELDS, rules["thresholds"], strict=True):
            initial[name_] = decimal_str(parse_exact(threshold))
        return initial

    def domain_groups(self) -> list[dict]:
        """The bound fields of each domain's option values, for the template's fieldsets."""
        return [
            {
                "number": rule.number,
                "name": self.labels.domains[rule.number],
                "fields": [self[value_field(rule.number, code)] for code in rule.option_values],
            }
            for rule in engine.OFFICIAL.domains
        ]

    def weight_fields(self) -> list:
        return [self[weight_field(rule.number)] for rule in engine.OFFICIAL.domains]

    def threshold_fields(self) -> list:
        return [self[name] for name in THRESHOLD_FIELDS]

    def rules(self) -> dict:
        """The rules dict of the cleaned data (exact fraction strings)."""
        data = self.cleaned_data
        return {
            "values": {
                str(rule.number): {
                    code: str(data[value_field(rule.number, code)]) for code in rule.option_values
                }
                for rule in engine.OFFICIAL.domains
            },
            "imputation": data["imputation"],
            "weights": {
                str(rule.number): str(data[weight_field(rule.number)])
                for rule in engine.OFFICIAL.domains
            },
            "thresholds": [str(data[name]) for name in THRESHOLD_FIELDS],
            "aggregate": sorted(data["aggregate"]),
        }

    def clean(self):
        cleaned = super().clean()
        for rule in engine.OFFICIAL.domains:
            for code in rule.option_values:
                name = value_field(rule.number, code)
                if name in cleaned and not 0 <= cleaned[name] <= 1:
                    self.add_error(name, _("A value lies between 0 and 1."))
            name = weight_field(rule.number)
            if name in cleaned and cleaned[name] <= 0:
                self.add_error(name, _("A weight is greater than 0."))
        if self.errors:
            return cleaned
        for problem in rules_problems(self.rules()):
            self.add_error(None, problem)
        return cleaned
