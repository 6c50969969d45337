"""Load both administrative maps and the 2025 lineage from tcxd/geo/data/*.json (see data/README.md)."""

import datetime as dt
import gzip
import json
from pathlib import Path

from django.db import migrations

from tcxd.common.text import fold

DATA = Path(__file__).resolve().parent.parent / "data"
LEVELS = ("province", "district", "commune")
BATCH = 2000


def _read(stem):
    plain, packed = DATA / f"{stem}.json", DATA / f"{stem}.json.gz"
    if packed.exists():
        with gzip.open(packed, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    return json.loads(plain.read_text(encoding="utf-8"))


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _load_map(AdminUnit, stem):
    doc = _read(stem)
    version = doc["map_version"]
    valid_from, valid_to = _date(doc.get("valid_from")), _date(doc.get("valid_to"))
    idx = {name: i for i, name in enumerate(doc["fields"])}
    ids = {}
    for level in LEVELS:
        rows = [r for r in doc["rows"] if r[idx["level"]] == level]
        if not rows:
            continue
        AdminUnit.objects.bulk_create(
            [
                AdminUnit(
                    code=r[idx["code"]], map_version=version, level=level, unit_type=r[idx["unit_type"]],
                    name=r[idx["name"]], short_name=r[idx["short_name"]], name_norm=fold(r[idx["name"]]),
                    parent_id=ids[r[idx["parent"]]] if r[idx["parent"]] else None,
                    valid_from=valid_from, valid_to=valid_to,
                )
                for r in rows
            ],
            batch_size=BATCH,
        )
        ids.update(AdminUnit.objects.filter(map_version=version, level=level).values_list("code", "id"))
    return ids


def load(apps, schema_editor):
    AdminUnit = apps.get_model("geo", "AdminUnit")
    AdminUnitLineage = apps.get_model("geo", "AdminUnitLineage")
    new_ids = _load_map(AdminUnit, "units_2025")
    old_ids = _load_map(AdminUnit, "units_pre2025")
    doc = _read("lineage_2025")
    effective_on = _date(doc["effective_on"])
    AdminUnitLineage.objects.bulk_create(
        [
            AdminUnitLineage(predecessor_id=old_ids[p], successor_id=new_ids[s], kind=k, effective_on=effective_on)
            for p, s, k in doc["rows"]
        ],
        batch_size=BATCH,
    )


def unload(apps, schema_editor):
    apps.get_model("geo", "AdminUnitLineage").objects.all().delete()
    AdminUnit = apps.get_model("geo", "AdminUnit")
    for level in reversed(LEVELS):
        AdminUnit.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]

    operations = [migrations.RunPython(load, unload, elidable=False)]
