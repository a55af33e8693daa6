from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/avatar/", views.upload_avatar, name="profile-avatar"),
    path("accounts/profile/avatar/remove/", views.remove_avatar, name="profile-avatar-remove"),
    path("accounts/profile/tokens/", views.create_token, name="profile-token-create"),
    path(
        "accounts/profile/tokens/<int:token_id>/revoke/",
        views.revoke_token,
        name="profile-token-revoke",
    ),
    path("accounts/invite/<str:token>/", views.accept_invitation, name="invitation-accept"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="people-invite"),
    path(
        "people/invitations/<int:invitation_id>/withdraw/",
        views.withdraw_invitation,
        name="people-invitation-withdraw",
    ),
    path("people/<int:user_id>/avatar/", views.avatar, name="person-avatar"),
    path("people/<int:user_id>/role/", views.change_role, name="person-role"),
    path("people/<int:user_id>/deactivate/", views.deactivate, name="person-deactivate"),
    path("people/<int:user_id>/reactivate/", views.reactivate, name="person-reactivate"),
]
