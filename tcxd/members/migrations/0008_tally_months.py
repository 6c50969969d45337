from django.db import migrations


def fill_tallies(apps, schema_editor):
    """The tallies summed again from the open spells: now with the monthly cuboids (4: birth month,
    5: party-age start month)."""
    from tcxd.members.tallies import refresh_units

    refresh_units(None)
    schema_editor.execute("ANALYZE members_membertally")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0007_name_word_tops'),
    ]

    operations = [
        migrations.RunPython(fill_tallies, migrations.RunPython.noop, elidable=True),
    ]
