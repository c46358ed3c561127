from django.db import migrations

from kernel.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_score_records_and_published_results")]

    operations = [
        append_only_trigger("scoring_scorerecord"),
        append_only_trigger("scoring_domainscore"),
        append_only_trigger("scoring_resultimport"),
        append_only_trigger("scoring_publishedresult"),
    ]
