from django.db import migrations


def no_parallel_scans(apps, schema_editor):
    """PostgreSQL: no parallel workers for scans of the name index. A name search reads a few hundred
    index rows in order and stops at the page's end; a parallel plan (chosen because the planner
    cannot know how soon the page fills) spent ~5–25 ms starting its workers (size L)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_membernameword SET (parallel_workers = 0)")


def undo(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_membernameword RESET (parallel_workers)")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0008_tally_months'),
    ]

    operations = [
        migrations.RunPython(no_parallel_scans, undo),
    ]
