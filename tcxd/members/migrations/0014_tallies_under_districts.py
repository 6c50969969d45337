# The communes under a district (a pre-2025 tree) are tally units too (tcxd.members.tallies.is_unit): the tallies
# summed again from the open spells where there are districts.

from django.db import migrations


def fill_tallies(apps, schema_editor):
    from tcxd.members.tallies import district_paths, refresh_units

    if district_paths():
        refresh_units(None)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0013_name_word_slots'),
    ]

    operations = [
        migrations.RunPython(fill_tallies, migrations.RunPython.noop, elidable=True),
    ]
