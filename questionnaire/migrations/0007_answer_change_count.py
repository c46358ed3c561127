from django.db import migrations, models
from django.db.models import Count


def count_existing_changes(apps, schema_editor):
    Answer = apps.get_model("questionnaire", "Answer")
    AnswerChange = apps.get_model("questionnaire", "AnswerChange")
    counts = (
        AnswerChange.objects.filter(item__isnull=False)
        .values_list("submission_id", "item_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for submission_id, item_id, n in counts:
        Answer.objects.filter(submission_id=submission_id, item_id=item_id).update(change_count=n)


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0006_move_geography_out")]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="change_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="changes"),
        ),
        migrations.RunPython(count_existing_changes, migrations.RunPython.noop),
    ]
