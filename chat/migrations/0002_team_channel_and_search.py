from django.db import migrations


def create_team_channel(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Membership = apps.get_model("chat", "Membership")
    User = apps.get_model("accounts", "User")
    room = Room.objects.filter(is_team_channel=True).first()
    if room is None:
        room = Room.objects.create(kind="channel", name="general", is_team_channel=True)
    members = set(Membership.objects.filter(room=room).values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(room=room, user_id=pk, read_seq=room.last_seq)
            for pk in User.objects.filter(is_active=True).values_list("pk", flat=True)
            if pk not in members
        ]
    )


def create_search_index(apps, schema_editor):
    # Full-text search over bodies; PostgreSQL only (SQLite searches without an index).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS chat_message_body_fts ON chat_message "
            "USING gin (to_tsvector('simple'::regconfig, body))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS chat_message_body_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_team_channel, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
