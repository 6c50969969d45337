import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def previews_done(apps, schema_editor):
    """A preview stored before previews ran in the background is a finished one (it saw no tree mark, so it
    counts as stale: applying asks for a fresh preview)."""
    Operation = apps.get_model("restructure", "RestructureOperation")
    Operation.objects.filter(preview__isnull=False).update(preview_state="done")


class Migration(migrations.Migration):

    dependencies = [
        ('restructure', '0002_reform_2025_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='restructureoperation',
            name='preview_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='restructureoperation',
            name='preview_change_id',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='restructureoperation',
            name='preview_key',
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name='restructureoperation',
            name='preview_requested_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='restructureoperation',
            name='preview_state',
            field=models.CharField(blank=True, choices=[('', 'Chưa xem trước'), ('queued', 'Đang chờ xem trước'), ('running', 'Đang xem trước'), ('done', 'Đã xem trước'), ('interrupted', 'Xem trước chưa hoàn thành')], default='', max_length=12, verbose_name='xem trước'),
        ),
        migrations.RunPython(previews_done, migrations.RunPython.noop),
    ]
