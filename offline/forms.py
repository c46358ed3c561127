from django import forms
from django.utils.translation import gettext_lazy as _


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("Filled workbook (.xlsx)"),
        error_messages={
            "required": _("Choose the filled workbook to upload."),
            "empty": _("The file is empty; nothing was saved."),
        },
    )
    source = forms.CharField(
        label=_("Where do these answers come from? (required)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example: the workbook the ministry sent by e-mail on 3 March. Another analyst "
            "must validate answers you entered."
        ),
    )

    def __init__(self, *args, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_behalf = on_behalf
        if on_behalf:
            self.fields["source"].required = True
            self.fields["source"].error_messages["required"] = _(
                "Say where these answers come from: it is recorded with them."
            )
