"""Whole-installation backup and restore (``manage.py backup`` / ``manage.py restore``).

One archive (``.tar.gz`` or ``.tar``, PAX format) holds, in this order:

- ``data/<table>.jsonl.gz``: one gzip-compressed JSON-lines member per table of every installed app's concrete,
  managed model (auto-created many-to-many tables included), one JSON list per row in the manifest's column
  order, written in foreign-key dependency order. Dates, datetimes (ISO 8601 with offset), times, decimals
  (strings), UUIDs (strings), bytes (base64) and durations (microseconds) are serialised losslessly by the
  column's field type; everything else is native JSON.
- ``media/<path>``: the uploaded files under ``MEDIA_ROOT``, byte for byte.
- ``manifest.json``: format and version, creation time, source database vendor, the applied migrations, per table
  its column list and row count, the media files, and the SHA-256 of every other member.

The backup reads one consistent snapshot (a repeatable-read, read-only transaction on PostgreSQL; one read
transaction on SQLite) and streams rows in chunks, so memory stays flat. The restore verifies the whole archive
(checksums, members, manifest, migrations, columns) before it writes anything, then rebuilds an empty installation
in one transaction: the rows the migrations inserted (reference data) are replaced by the archive's, the foreign
keys are checked, sequences are reset, one audit row is written and the media files are put back. A SQLite
backup restores into PostgreSQL and the other way round.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.expressions import Value
from django.utils import timezone

FORMAT = "tcxd-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
MEDIA_PREFIX = "media/"
CHUNK_ROWS = 2000
COPY_BUFFER = 1 << 20
# Tables a fresh, migrated installation has no rows in: any row there means the target is in use.
CORE_TABLES = ("orgs_org", "members_member", "members_memberevent", "authz_user")
RESTORE_ACTION = "backup_restore"

Log = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore was refused or failed; the message is Vietnamese and names the problem.
    A refused restore has written nothing."""


def _quiet(_msg: str) -> None:
    pass


# --- Models, columns, values ---------------------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every concrete, managed model of the installed apps (m2m tables too), parents before children."""
    found = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)
             if m._meta.managed and not m._meta.proxy}
    by_model = {m: table for table, m in found.items()}
    order: list[type[models.Model]] = []
    state: dict[type[models.Model], int] = {}

    def visit(model: type[models.Model]) -> None:
        if state.get(model):  # 1: being visited (a cycle: deferred constraints cover it), 2: done
            return
        state[model] = 1
        for field in _fields(model):
            target = field.related_model if field.is_relation else None
            if target is not None and target is not model and target in by_model:
                visit(target)
        state[model] = 2
        order.append(model)

    for table in sorted(found):
        visit(found[table])
    return order


def _fields(model: type[models.Model]) -> list[models.Field]:
    """The model's columns, in model order (a composite primary key is no column of its own)."""
    return [f for f in model._meta.concrete_fields if f.column]


def _base_type(field: models.Field) -> str:
    """The internal type that decides a value's serialisation (a foreign key's is its target's)."""
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return field.get_internal_type()


def _encoder(field: models.Field) -> Callable | None:
    kind = _base_type(field)
    if kind in ("DateField", "DateTimeField", "TimeField"):
        return lambda v: v.isoformat()
    if kind in ("DecimalField", "UUIDField"):
        return str
    if kind == "BinaryField":
        return lambda v: base64.b64encode(bytes(v)).decode("ascii")
    if kind == "DurationField":
        return lambda v: v // dt.timedelta(microseconds=1)
    return None


def _decoder(field: models.Field) -> Callable | None:
    kind = _base_type(field)
    decoders = {
        "DateField": dt.date.fromisoformat, "DateTimeField": dt.datetime.fromisoformat,
        "TimeField": dt.time.fromisoformat, "DecimalField": decimal.Decimal, "UUIDField": uuid.UUID,
        "BinaryField": base64.b64decode, "DurationField": lambda v: dt.timedelta(microseconds=v),
    }
    return decoders.get(kind)


def _row_encoder(fields: list[models.Field]) -> Callable[[tuple], list]:
    coders = [(i, c) for i, c in enumerate(_encoder(f) for f in fields) if c is not None]

    def encode(row: tuple) -> list:
        out = list(row)
        for i, code in coders:
            if out[i] is not None:
                out[i] = code(out[i])
        return out

    return encode


def _row_decoder(fields: list[models.Field]) -> Callable[[list], tuple]:
    """JSON row (archive column order already mapped to ``fields``) → values ready for the target database."""
    decoders = [_decoder(f) for f in fields]
    # A JSON ``null`` in a NOT NULL JSON column is a JSON null, not SQL NULL.
    json_null = [isinstance(f, models.JSONField) and not f.null for f in fields]

    def decode(values: list) -> tuple:
        out = []
        for field, value, dec, jnull in zip(fields, values, decoders, json_null, strict=True):
            if value is None:
                out.append(field.get_db_prep_save(Value(None, models.JSONField()), connection) if jnull else None)
                continue
            if dec is not None:
                value = dec(value)
            out.append(field.get_db_prep_save(value, connection))
        return tuple(out)

    return decode


def _json_default(value):
    if isinstance(value, decimal.Decimal):  # a decimal inside a JSON document (custom encoders)
        return str(value)
    raise TypeError(f"không ghi được giá trị kiểu {type(value).__name__}")


def applied_migrations() -> list[tuple[str, str]]:
    return sorted(MigrationRecorder(connection).applied_migrations())


# --- Archive helpers -----------------------------------------------------------------------------------


class _HashingReader:
    """A file wrapper that hashes what is read through it (tarfile reads exactly ``size`` bytes)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.sha.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, fileobj, size: int, mtime: float) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    reader = _HashingReader(fileobj)
    tar.addfile(info, reader)
    return reader.sha.hexdigest()


def _tar_mode(path: Path, write: bool) -> str:
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "w:gz" if write else "r|gz"
    if name.endswith(".tar"):
        return "w" if write else "r|*"
    raise BackupError(f"Tên tệp sao lưu phải có đuôi .tar.gz hoặc .tar: {path.name}")


def _safe_member(name: str) -> PurePosixPath | None:
    """The relative path of a member name, or None if it could escape (absolute, '..', empty parts)."""
    p = PurePosixPath(name)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts) or "\\" in name:
        return None
    return p


def default_output_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "var" / "backups" / f"tcxd-{stamp}.tar.gz"


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive-relative POSIX path, file) of every regular file under ``root``, sorted; symlinks skipped."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            if full.is_symlink() or not full.is_file():
                continue
            yield full.relative_to(root).as_posix(), full


# --- Backup ------------------------------------------------------------------------------------------


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent read of the whole database. Inside a caller's transaction (tests), that one."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: Django's atomic() would BEGIN IMMEDIATE (the write lock); a deferred read transaction keeps
    # the WAL snapshot of its first read without blocking writers.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")


def _dump_table(model: type[models.Model], out) -> int:
    """Write the table's rows as gzip-compressed JSON lines to ``out``; returns the row count."""
    fields = _fields(model)
    encode = _row_encoder(fields)
    order = [f.attname for f in model._meta.pk_fields]
    rows = model._base_manager.order_by(*order).values_list(*[f.attname for f in fields])
    n = 0
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as gz:
        buffer: list[str] = []
        for row in rows.iterator(chunk_size=CHUNK_ROWS):
            buffer.append(json.dumps(encode(row), ensure_ascii=False, separators=(",", ":"),
                                     default=_json_default))
            n += 1
            if len(buffer) >= CHUNK_ROWS:
                gz.write(("\n".join(buffer) + "\n").encode())
                buffer.clear()
        if buffer:
            gz.write(("\n".join(buffer) + "\n").encode())
    return n


def backup_write(path: str | os.PathLike | None = None, *, log: Log | None = None) -> dict:
    """Write the archive to ``path`` (default ``var/backups/tcxd-YYYYmmdd-HHMMSS.tar.gz``); returns a summary
    (path, tables, rows, media files, bytes). The archive appears only when complete (written beside it first)."""
    log = log or _quiet
    path = Path(path) if path else default_output_path()
    mode = _tar_mode(path, write=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    checksums: dict[str, str] = {}
    tables: list[dict] = []
    media: list[dict] = []
    created = timezone.now()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as tar:
            with _snapshot():
                migrations = applied_migrations()
                for model in backup_models():
                    table = model._meta.db_table
                    member = f"{DATA_PREFIX}{table}.jsonl.gz"
                    with tempfile.TemporaryFile(dir=path.parent) as tmp:
                        n = _dump_table(model, tmp)
                        size = tmp.tell()
                        tmp.seek(0)
                        checksums[member] = _add_file(tar, member, tmp, size, created.timestamp())
                    tables.append({"table": table, "model": model._meta.label_lower, "member": member,
                                   "columns": [f.column for f in _fields(model)], "rows": n})
                    log(f"  {table}: {n:,} dòng")
            root = Path(settings.MEDIA_ROOT)
            for rel, full in _media_files(root):
                member = MEDIA_PREFIX + rel
                with open(full, "rb") as fh:
                    st = os.fstat(fh.fileno())
                    checksums[member] = _add_file(tar, member, fh, st.st_size, st.st_mtime)
                media.append({"path": rel, "member": member, "size": st.st_size})
            if media:
                log(f"  Tệp tải lên: {len(media):,}")
            manifest = {
                "format": FORMAT, "version": FORMAT_VERSION, "created_at": created.isoformat(),
                "vendor": connection.vendor, "migrations": [list(m) for m in migrations],
                "tables": tables, "media": media, "checksums": checksums,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add_file(tar, MANIFEST, io.BytesIO(data), len(data), created.timestamp())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    rows = sum(t["rows"] for t in tables)
    from tcxd.audit.services import audit_export

    # the largest export of personal data there is (after the snapshot: the archive does not hold this row)
    audit_export(actor=None, what=f"backup:{path.name}", rows=rows, note=f"Sao lưu toàn bộ dữ liệu vào {path.name}")
    return {"path": str(path), "tables": len(tables), "rows": rows, "media": len(media), "bytes": path.stat().st_size}


# --- Restore -----------------------------------------------------------------------------------------


@dataclass
class _Archive:
    """What the audit row names: the restored archive."""

    name: str

    @property
    def pk(self) -> str:
        return self.name[:40]

    def __str__(self) -> str:
        return f"Bản sao lưu {self.name}"


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode=_tar_mode(path, write=False))
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {path.name}: {exc}") from exc


def _members(tar: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, object]]:
    """(member, file object) in archive order; refuses anything but regular files with safe names."""
    for info in tar:
        if info.isdir():
            continue
        if not info.isfile() or _safe_member(info.name) is None:
            raise BackupError(f"Tệp sao lưu có thành phần không hợp lệ: {info.name}")
        yield info, tar.extractfile(info)


def _verify(path: Path) -> dict:
    """Read the whole archive once: checksums, members, manifest. Returns the manifest."""
    seen: dict[str, str] = {}
    manifest_bytes = None
    try:
        with _open(path) as tar:
            for info, fh in _members(tar):
                if info.name in seen or (info.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"Tệp sao lưu có thành phần trùng tên: {info.name}")
                if info.name == MANIFEST:
                    manifest_bytes = fh.read()
                    continue
                sha = hashlib.sha256()
                while chunk := fh.read(COPY_BUFFER):
                    sha.update(chunk)
                seen[info.name] = sha.hexdigest()
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"Tệp sao lưu {path.name} bị hỏng, không đọc hết được: {exc or type(exc).__name__}") from exc
    if manifest_bytes is None:
        raise BackupError(f"Tệp sao lưu thiếu {MANIFEST}.")
    try:
        manifest = json.loads(manifest_bytes)
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path.name} không phải tệp sao lưu TCXD.")
        if manifest.get("version") != FORMAT_VERSION:
            raise BackupError(f"Phiên bản định dạng sao lưu {manifest.get('version')} không được hỗ trợ "
                              f"(phần mềm này đọc phiên bản {FORMAT_VERSION}).")
        checksums: dict[str, str] = dict(manifest["checksums"])
        tables, media = list(manifest["tables"]), list(manifest["media"])
        migrations = [(str(app_label), str(name)) for app_label, name in manifest["migrations"]]
        for item, keys in [*((t, ("table", "member", "columns", "rows")) for t in tables),
                           *((m, ("path", "member")) for m in media)]:
            absent = [key for key in keys if key not in item]
            if absent:
                raise KeyError(absent[0])
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"{MANIFEST} trong tệp sao lưu không hợp lệ: {exc}") from exc
    manifest["migrations"] = migrations
    for name, expected in checksums.items():
        if name not in seen:
            raise BackupError(f"Tệp sao lưu thiếu thành phần {name}.")
        if seen[name] != expected:
            raise BackupError(f"Thành phần {name} của tệp sao lưu bị hỏng (mã kiểm tra SHA-256 không khớp).")
    for name in seen:
        if name not in checksums:
            raise BackupError(f"Tệp sao lưu có thành phần {name} không ghi trong {MANIFEST}.")
    for item in [*tables, *media]:
        if item["member"] not in checksums:
            raise BackupError(f"{MANIFEST} nhắc tới {item['member']} nhưng không có mã kiểm tra của nó.")
    for m in media:
        if _safe_member(m["path"]) is None or m["member"] != MEDIA_PREFIX + m["path"]:
            raise BackupError(f"Đường dẫn tệp tải lên không hợp lệ trong bản sao lưu: {m['path']}")
    return manifest


def _check_migrations(archived: list[tuple[str, str]]) -> None:
    ours, theirs = set(applied_migrations()), set(archived)
    for app_label, name in sorted(ours ^ theirs):
        if (app_label, name) in theirs:
            raise BackupError(f"Bản sao lưu đã áp dụng migration {app_label}.{name} nhưng cơ sở dữ liệu đích "
                              "chưa có: hãy cài đúng phiên bản phần mềm của bản sao lưu và chạy manage.py migrate.")
        raise BackupError(f"Cơ sở dữ liệu đích đã áp dụng migration {app_label}.{name} mà bản sao lưu không có: "
                          "bản sao lưu thuộc phiên bản phần mềm khác.")


def _plan(manifest: dict) -> list[tuple[dict, type[models.Model], list[models.Field]]]:
    """(table entry, model, the target's fields in the archive's column order) for every archived table."""
    targets = {m._meta.db_table: m for m in backup_models()}
    archived = {t["table"] for t in manifest["tables"]}
    missing = sorted(set(targets) - archived)
    if missing:
        raise BackupError(f"Bản sao lưu không có bảng {missing[0]} của cơ sở dữ liệu đích.")
    plan = []
    for entry in manifest["tables"]:
        model = targets.get(entry["table"])
        if model is None:
            raise BackupError(f"Cơ sở dữ liệu đích không có bảng {entry['table']} của bản sao lưu.")
        by_column = {f.column: f for f in _fields(model)}
        if sorted(by_column) != sorted(entry["columns"]):
            diff = sorted(set(by_column) ^ set(entry["columns"]))
            raise BackupError(f"Các cột của bảng {entry['table']} khác với bản sao lưu (cột {diff[0]}).")
        plan.append((entry, model, [by_column[c] for c in entry["columns"]]))
    return plan


def _check_empty(plan: Iterable[tuple[dict, type[models.Model], list]]) -> None:
    qn = connection.ops.quote_name
    tables = {entry["table"] for entry, _, _ in plan}
    with connection.cursor() as cursor:
        for table in CORE_TABLES:
            if table not in tables:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
            n = cursor.fetchone()[0]
            if n:
                raise BackupError(f"Cơ sở dữ liệu đích không trống: bảng {table} đã có {n:,} dòng. Chỉ khôi phục "
                                  "vào một cài đặt mới (đã chạy manage.py migrate, chưa nhập dữ liệu).")


def _load_table(fh, entry: dict, model: type[models.Model], fields: list[models.Field]) -> int:
    from tcxd.common.db import write_rows  # the fast raw insert (COPY / executemany)

    decode = _row_decoder(fields)
    attnames = [f.attname for f in fields]
    n = 0
    batch: list[tuple] = []
    with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
        for line in io.TextIOWrapper(gz, encoding="utf-8"):
            if not line.strip():
                continue
            batch.append(decode(json.loads(line)))
            if len(batch) >= CHUNK_ROWS:
                n += write_rows(model, attnames, batch)
                batch = []
    n += write_rows(model, attnames, batch)
    if n != entry["rows"]:
        raise BackupError(f"Bảng {entry['table']}: bản sao lưu ghi {entry['rows']:,} dòng nhưng đọc được {n:,}.")
    return n


def _write_media(fh, target: Path, written: list[Path]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        with open(tmp, "wb") as out:
            while chunk := fh.read(COPY_BUFFER):
                out.write(chunk)
        os.chmod(tmp, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
        written.append(target)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def backup_restore(path: str | os.PathLike, *, log: Log | None = None) -> dict:
    """Rebuild this (empty, migrated) installation from the archive at ``path``; returns a summary
    (tables, rows, media files). Refuses, writing nothing, a damaged archive, another migration state or
    a target that already holds data."""
    from tcxd.audit.services import audit_record

    log = log or _quiet
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {path}.")
    manifest = _verify(path)
    log(f"Đã kiểm tra tệp sao lưu: {len(manifest['checksums']):,} thành phần, mã kiểm tra khớp.")
    _check_migrations(manifest["migrations"])
    plan = _plan(manifest)
    by_member = {entry["member"]: (entry, model, fields) for entry, model, fields in plan}
    media = {m["member"]: m["path"] for m in manifest["media"]}
    root = Path(settings.MEDIA_ROOT)
    for rel in media.values():
        if root.joinpath(*PurePosixPath(rel).parts).exists():
            raise BackupError(f"Thư mục tệp tải lên (MEDIA_ROOT) không trống: đã có tệp {rel}. Chỉ khôi phục vào "
                              "một cài đặt mới.")
    written: list[Path] = []
    rows = 0
    qn = connection.ops.quote_name
    try:
        with transaction.atomic():
            _check_empty(plan)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for entry, _, _ in reversed(plan):  # what the migrations inserted (reference data)
                    cursor.execute(f"DELETE FROM {qn(entry['table'])}")
            with _open(path) as tar:
                for info, fh in _members(tar):
                    if info.name in by_member:
                        entry, model, fields = by_member[info.name]
                        n = _load_table(fh, entry, model, fields)
                        rows += n
                        log(f"  {entry['table']}: {n:,} dòng")
                    elif info.name in media:
                        _write_media(fh, root.joinpath(*PurePosixPath(media[info.name]).parts), written)
            connection.check_constraints()
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), [m for _, m, _ in plan]):
                    cursor.execute(statement)
            audit_record(actor=None, action=RESTORE_ACTION, obj=_Archive(path.name),
                         after={"tables": len(plan), "rows": rows, "media": len(written),
                                "source_vendor": manifest.get("vendor"), "created_at": manifest.get("created_at")},
                         note=f"Khôi phục từ tệp sao lưu {path.name}")
    except BaseException as exc:
        for target in written:
            target.unlink(missing_ok=True)
        if isinstance(exc, BackupError):
            raise
        if isinstance(exc, DatabaseError):
            raise BackupError(f"Cơ sở dữ liệu từ chối dữ liệu của bản sao lưu, không có gì được ghi: {exc}") from exc
        if isinstance(exc, Exception):  # unreadable member, bad value…: rolled back
            raise BackupError(f"Khôi phục không thành công, không có gì được ghi: {type(exc).__name__}: {exc}") from exc
        raise
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the ids are the archive's now
    return {"tables": len(plan), "rows": rows, "media": len(written)}
