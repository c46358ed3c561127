from django.db import migrations

from kernel.append_only import refuse_truncate_trigger


class Migration(migrations.Migration):
    dependencies = [("scoring", "0004_domain_score_record_label")]

    operations = [
        refuse_truncate_trigger("scoring_scorerecord"),
        refuse_truncate_trigger("scoring_domainscore"),
        refuse_truncate_trigger("scoring_resultimport"),
        refuse_truncate_trigger("scoring_publishedresult"),
    ]
