"""Put every new person in the team channel the moment they exist.

People are created in many places: allauth signup, GitHub sign-in, the admin,
`createsuperuser`, `seed_demo`, invitations, test factories. A `post_save` receiver on the user
model is the one hook all of them pass through, so no path can forget it; it only calls the
service, which is idempotent. Migration 0002 covers people who existed before chat did.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="chat-join-team-channel")
def join_team_channel_on_creation(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.is_active:
        from chat.services import join_team_channel

        join_team_channel(user=instance)
