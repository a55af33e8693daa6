"""Put every active person in the team channel the moment they exist (or become active).

People are created in many places: allauth signup, GitHub sign-in, the admin,
`createsuperuser`, `seed_demo`, invitations, test factories. A `post_save` receiver on the user
model is the one hook all of them pass through, so no path can forget it; it only calls the
service, which is idempotent. Migration 0002 covers people who existed before chat did.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="chat-join-team-channel")
def join_team_channel_when_active(sender, instance, created, raw=False, update_fields=None, **kw):
    if raw or not instance.is_active:
        return
    # Saves that cannot have activated anyone (a login stamping last_login) cost nothing.
    if not created and update_fields is not None and "is_active" not in update_fields:
        return
    from chat.services import join_team_channel

    join_team_channel(user=instance)
