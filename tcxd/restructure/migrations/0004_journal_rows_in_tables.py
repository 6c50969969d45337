# The journals of applied operations keep their snapshot rows in tables (orgs.JournalOrg, orgs.JournalVersion)
# instead of the operation's journal document: the rows move there, the document keeps the rest.

import datetime as dt

from django.db import migrations

ORG_FIELDS = ("path", "depth", "numchild", "status", "valid_to", "code", "name", "short_name", "name_norm", "kind",
              "grassroots_type", "congress_cycle_months")
VERSION_FIELDS = ("org_id", "change_id", "valid_from", "valid_to", "path", "depth", "parent_id", "code", "name",
                  "short_name", "kind", "grassroots_type", "admin_unit_id", "status")


def _dated(row: dict) -> dict:
    return {k: (dt.date.fromisoformat(v) if k in ("valid_from", "valid_to") and v else v) for k, v in row.items()}


def rows_to_tables(apps, schema_editor):
    Operation = apps.get_model("restructure", "RestructureOperation")
    JournalOrg = apps.get_model("orgs", "JournalOrg")
    JournalVersion = apps.get_model("orgs", "JournalVersion")
    for op in Operation.objects.filter(journal__isnull=False).iterator():
        journal = op.journal or {}
        if "orgs" not in journal and "versions" not in journal:
            continue
        JournalOrg.objects.filter(operation_id=op.pk).delete()
        JournalVersion.objects.filter(operation_id=op.pk).delete()
        JournalOrg.objects.bulk_create(
            [JournalOrg(operation_id=op.pk, org_id=int(pk), **{f: _dated(row).get(f) for f in ORG_FIELDS})
             for pk, row in journal.get("orgs", {}).items()], batch_size=2000)
        JournalVersion.objects.bulk_create(
            [JournalVersion(operation_id=op.pk, version_id=int(pk), **{f: _dated(row).get(f) for f in VERSION_FIELDS})
             for pk, row in journal.get("versions", {}).items()], batch_size=2000)
        op.journal = {"operation_id": op.pk, **{k: v for k, v in journal.items() if k not in ("orgs", "versions")}}
        op.save(update_fields=["journal"])


class Migration(migrations.Migration):

    dependencies = [
        ('restructure', '0003_preview_task'),
        ('orgs', '0003_restructuring_journal_tables'),
    ]

    operations = [
        migrations.RunPython(rows_to_tables, migrations.RunPython.noop),
    ]
