"""The production static build (whitenoise's compressed manifest storage) succeeds: every file a
stylesheet or script refers to (fonts, source maps) is shipped, or the reference is gone."""

from __future__ import annotations

from django.core.management import call_command


def test_collectstatic_with_the_manifest_storage(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap-5.3.8/bootstrap.min.*.css"))
