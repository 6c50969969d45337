# A district (a pre-2025 tree) is no tally unit any more, its communes stay units (tcxd.members.tallies.is_unit):
# the districts' rows go. Every other row stays as 0014 summed it (a unit's rows do not depend on whether a
# district above it is a unit).

from django.db import migrations


def drop_district_rows(apps, schema_editor):
    from tcxd.members.tallies import UNIT_DEPTH

    Org = apps.get_model("orgs", "Org")
    MemberTally = apps.get_model("members", "MemberTally")
    districts = list(Org.objects.filter(kind="district", depth=UNIT_DEPTH).values_list("id", flat=True))
    for i in range(0, len(districts), 500):
        MemberTally.objects.filter(unit_id__in=districts[i:i + 500]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0014_tallies_under_districts'),
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(drop_district_rows, migrations.RunPython.noop, elidable=True),
    ]
