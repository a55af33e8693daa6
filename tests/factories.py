"""factory_boy factories shared by every test module."""

import factory
from django.conf import settings

from accounts.models import Role, User

PASSWORD = "a-Strong-pass-for-tests-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    role = Role.DEVELOPER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def lead(**kwargs) -> User:
    return UserFactory(role=Role.PROJECT_MANAGER, **kwargs)


__all__ = ["PASSWORD", "UserFactory", "lead", "settings"]
