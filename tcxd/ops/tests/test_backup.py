"""manage.py backup / restore: a full round trip, and every refusal leaves the target untouched."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tcxd.audit.models import AuditEntry
from tcxd.members.models import Member
from tcxd.ops.backup import MANIFEST, RESTORE_ACTION, BackupError, backup_models, backup_restore, backup_write
from tcxd.orgs.models import Org

MEDIA_NAME = "members/docs/đơn xin vào Đảng.pdf"
MEDIA_BYTES = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """MEDIA_ROOT in the test's folder, with one uploaded file."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    target = root / MEDIA_NAME
    target.parent.mkdir(parents=True)
    target.write_bytes(MEDIA_BYTES)
    return target


def _rows() -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, as Django reads them."""
    out = {}
    for model in backup_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.column]
        pk = [f.attname for f in model._meta.pk_fields]
        out[model._meta.db_table] = list(model._base_manager.order_by(*pk).values_list(*fields))
    return out


def _empty_everything(media_file: Path | None = None) -> None:
    """What restore expects: no row in any table (children first), no uploaded file."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in reversed(backup_models()):
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
    if media_file is not None:
        media_file.unlink()


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:*") as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isfile()}


def _rewrite(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _nothing_written(media_file: Path) -> None:
    assert not Org.objects.exists() and not Member.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not media_file.exists()
    assert not media_file.parent.exists() or not any(media_file.parent.iterdir())


def test_round_trip_restores_every_row_and_the_uploaded_files(db, admin_user, media, tmp_path):
    from tcxd.bench.dataset import build_dataset

    build_dataset("XS", seed=7)
    AuditEntry.objects.create(actor=admin_user, actor_name=admin_user.username, action="test", object_type="x",
                              object_id="1", before={"a": [1, None]}, after=None)
    before = _rows()
    assert len(before["members_member"]) > 1000 and before["authz_user"]
    path = tmp_path / "out" / "tcxd.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert "Đã sao lưu" in out.getvalue() and path.is_file()
    assert not list(path.parent.glob("*.partial"))
    exported = AuditEntry.objects.get(action="export", object_id="backup:tcxd.tar.gz")  # personal data left
    assert exported.after == {"rows": sum(map(len, before.values()))}

    members = _members(path)
    manifest = json.loads(members[MANIFEST])
    assert manifest["format"] == "tcxd-backup" and manifest["vendor"] == connection.vendor
    assert sorted(map(tuple, manifest["migrations"])) == sorted(MigrationRecorder(connection).applied_migrations())
    assert set(manifest["checksums"]) == set(members) - {MANIFEST}
    assert all(hashlib.sha256(members[n]).hexdigest() == h for n, h in manifest["checksums"].items())
    tables = {t["table"]: t for t in manifest["tables"]}
    assert set(tables) == set(before)
    assert all(tables[name]["rows"] == len(rows) for name, rows in before.items())
    org_lines = gzip.decompress(members[tables["orgs_org"]["member"]]).decode().splitlines()
    assert len(org_lines) == len(before["orgs_org"]) and isinstance(json.loads(org_lines[0]), list)
    assert members["media/" + MEDIA_NAME] == MEDIA_BYTES
    order = [t["table"] for t in manifest["tables"]]
    assert order.index("orgs_org") < order.index("members_member") < order.index("members_memberevent")

    _empty_everything(media)
    assert not any(_rows().values())
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)
    assert "Đã khôi phục" in out.getvalue()

    after = _rows()
    restored = AuditEntry.objects.get(action=RESTORE_ACTION)
    assert restored.channel == "command" and restored.after["rows"] == sum(map(len, before.values()))
    after["audit_auditentry"] = [r for r in after["audit_auditentry"] if r[0] != restored.pk]
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs after the restore"
    assert media.read_bytes() == MEDIA_BYTES
    # The sequences go on after the restored ids.
    assert restored.pk > max(r[0] for r in before["audit_auditentry"])


@pytest.mark.parametrize("damage", ["flip", "drop", "truncate", "not_an_archive", "manifest"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(tree, media, tmp_path, damage):
    path = tmp_path / "tcxd.tar.gz"
    backup_write(path)
    members = _members(path)
    member = "data/orgs_org.jsonl.gz"
    if damage == "flip":
        data = bytearray(members[member])
        data[len(data) // 2] ^= 0x01
        members[member] = bytes(data)
        _rewrite(path, members)
    elif damage == "drop":
        del members[member]
        _rewrite(path, members)
    elif damage == "manifest":
        members[MANIFEST] = members[MANIFEST][:-20]
        _rewrite(path, members)
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(b"not a tar file at all" * 100)
    _empty_everything(media)

    with pytest.raises(BackupError) as refused:
        backup_restore(path)
    message = str(refused.value)
    expected = {"flip": f"Thành phần {member} của tệp sao lưu bị hỏng", "drop": f"thiếu thành phần {member}",
                "manifest": "manifest.json trong tệp sao lưu không hợp lệ", "truncate": "tcxd.tar.gz",
                "not_an_archive": "tcxd.tar.gz"}[damage]
    assert expected in message
    _nothing_written(media)
    with pytest.raises(CommandError):
        call_command("restore", str(path))
    _nothing_written(media)


def test_restoring_into_an_installation_with_data_is_refused(tree, media, tmp_path):
    path = tmp_path / "tcxd.tar"
    result = backup_write(path)
    assert result["media"] == 1 and tarfile.is_tarfile(path)
    before = _rows()
    media.unlink()  # only the tables stand in the way
    with pytest.raises(BackupError, match="không trống: bảng orgs_org đã có 7 dòng"):
        backup_restore(path)
    assert _rows() == before and not media.exists()

    media.write_bytes(b"another file")
    _empty_everything()
    with pytest.raises(BackupError, match="MEDIA_ROOT"):
        backup_restore(path)
    assert not Org.objects.exists() and media.read_bytes() == b"another file"


@pytest.mark.parametrize("side", ["target", "archive"])
def test_a_different_migration_list_is_refused(tree, media, tmp_path, side):
    recorder = MigrationRecorder(connection)
    path = tmp_path / "tcxd.tar.gz"
    if side == "archive":
        recorder.record_applied("common", "9999_future")
        backup_write(path)
        recorder.record_unapplied("common", "9999_future")
        expected = "Bản sao lưu đã áp dụng migration common.9999_future nhưng cơ sở dữ liệu đích chưa có"
    else:
        backup_write(path)
        recorder.record_applied("common", "0000_only_here")
        expected = "Cơ sở dữ liệu đích đã áp dụng migration common.0000_only_here mà bản sao lưu không có"
    _empty_everything(media)
    with pytest.raises(BackupError, match=expected):
        backup_restore(path)
    _nothing_written(media)


def test_an_unknown_extension_is_refused(db, tmp_path):
    with pytest.raises(BackupError, match="đuôi .tar.gz hoặc .tar"):
        backup_write(tmp_path / "tcxd.zip")
    assert not list(tmp_path.iterdir())
