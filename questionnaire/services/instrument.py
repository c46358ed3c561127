"""Changing the instrument: a version in use is frozen, so a change of wording starts a new version."""

from django.db import transaction

from questionnaire.models import Domain, Item, QuestionnaireVersion, ResponseOption, ResponseSet


@transaction.atomic
def copy_version(*, version: QuestionnaireVersion, code: str, name: str) -> QuestionnaireVersion:
    """A new, editable version with the same domains, items, options and translations."""
    copy = QuestionnaireVersion.objects.create(
        code=code, name=name, indicator=version.indicator, source=version.source
    )
    response_sets = {}
    for response_set in version.response_sets.prefetch_related("options"):
        new_set = ResponseSet.objects.create(version=copy, code=response_set.code)
        response_sets[response_set.pk] = new_set
        ResponseOption.objects.bulk_create(
            ResponseOption(
                response_set=new_set,
                **{
                    f: getattr(o, f)
                    for f in ("code", "label", "label_fr", "label_es", "value", "order")
                },
            )
            for o in response_set.options.all()
        )
    domain_fields = ("number", "sdmx_code", "name", "name_fr", "name_es", "proxy", "proxy_fr")
    domain_fields += ("proxy_es", "question", "question_fr", "question_es")
    for domain in version.domains.prefetch_related("items"):
        new_domain = Domain.objects.create(
            version=copy, **{f: getattr(domain, f) for f in domain_fields}
        )
        Item.objects.bulk_create(
            Item(
                version=copy,
                domain=new_domain,
                response_set=response_sets[item.response_set_id],
                **{f: getattr(item, f) for f in ("code", "text", "text_fr", "text_es", "order")},
            )
            for item in domain.items.all()
        )
    return copy
