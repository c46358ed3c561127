"""Factories for the records of people's changes."""

import factory

from accounts.models import UserChange
from tests.factories import AdministratorFactory, FocalPointFactory


class UserChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserChange

    user = factory.SubFactory(FocalPointFactory)
    changed_by = factory.SubFactory(AdministratorFactory)
    field = UserChange.Field.ROLE
    old_value = "focal_point"
    new_value = "analyst"
