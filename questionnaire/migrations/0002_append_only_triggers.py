from django.db import migrations

from kernel.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0001_initial")]

    operations = [append_only_trigger("questionnaire_submissionevent")]
