# The name index keeps a province's *slot* (a small number) instead of the top of its path: a merge of provinces
# re-points a slot (one row of MemberNameSlot) instead of rewriting every word row of its members.

from django.db import migrations, models

# A slot for every org at depth <= 2 (the root and the provinces: every top there is), then each word row's tops
# turned into their slots (0 for none), as tcxd.members.namewords does.
SLOTS_SQL = """
INSERT INTO members_membernameslot (top)
SELECT path FROM orgs_org WHERE depth <= 2 ORDER BY path
"""
EXTRA_SLOTS_SQL = """
INSERT INTO members_membernameslot (top)
SELECT DISTINCT t.top FROM (
    SELECT org_top AS top FROM members_membernameword UNION SELECT temporary_top FROM members_membernameword
    UNION SELECT transfer_top FROM members_membernameword) AS t
WHERE t.top <> '' AND NOT EXISTS (SELECT 1 FROM members_membernameslot s WHERE s.top = t.top)
"""
FILL_SQL = """
UPDATE members_membernameword
SET org_slot = COALESCE((SELECT MIN(s.id) FROM members_membernameslot s WHERE s.top = org_top), 0),
    temporary_slot = COALESCE((SELECT MIN(s.id) FROM members_membernameslot s WHERE s.top = temporary_top), 0),
    transfer_slot = COALESCE((SELECT MIN(s.id) FROM members_membernameslot s WHERE s.top = transfer_top), 0)
WHERE org_top <> '' OR temporary_top <> '' OR transfer_top <> ''
"""


def fill_slots(apps, schema_editor):
    schema_editor.execute(SLOTS_SQL)
    schema_editor.execute(EXTRA_SLOTS_SQL)
    schema_editor.execute(FILL_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0012_name_words_by_member'),
        ('orgs', '0002_org_lineage'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='membernameword',
            name='member_name_token',
        ),
        migrations.CreateModel(
            name='MemberNameSlot',
            fields=[
                ('id', models.AutoField(primary_key=True, serialize=False)),
                ('top', models.CharField(db_index=True, max_length=40)),
            ],
            options={
                'verbose_name': 'khóa tỉnh của chỉ mục tên',
                'verbose_name_plural': 'khóa tỉnh của chỉ mục tên',
            },
        ),
        migrations.AddField(
            model_name='membernameword',
            name='org_slot',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='membernameword',
            name='temporary_slot',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name='membernameword',
            name='transfer_slot',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(fill_slots, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name='membernameword',
            name='org_top',
        ),
        migrations.RemoveField(
            model_name='membernameword',
            name='temporary_top',
        ),
        migrations.RemoveField(
            model_name='membernameword',
            name='transfer_top',
        ),
        migrations.AddIndex(
            model_name='membernameword',
            index=models.Index(fields=['token', 'given_name_norm', 'name_norm', 'member', 'word', 'repeats', 'org_slot', 'temporary_slot', 'transfer_slot'], name='member_name_token'),
        ),
    ]
