from django.db import migrations

from kernel.append_only import refuse_truncate_trigger


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0004_round_translated_names")]

    operations = [
        refuse_truncate_trigger("questionnaire_submissionevent"),
        refuse_truncate_trigger("questionnaire_answerchange"),
    ]
