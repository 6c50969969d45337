"""Load the regulation registry and the 2015–2035 holiday calendar from tcxd/rules/data/*.json.

Self-contained on purpose (no app imports): later edits of the JSON files need a new data
migration or the admin, not a change here.
"""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _read(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def load_regulations(apps, schema_editor):
    Regulation = apps.get_model("rules", "Regulation")
    RuleParameter = apps.get_model("rules", "RuleParameter")
    doc = _read("regulations.json")
    by_code = {}
    for row in doc["regulations"]:
        by_code[row["code"]] = Regulation.objects.create(
            code=row["code"], title=row["title"], issuer=row["issuer"], signed_on=_date(row.get("signed_on")),
            effective_from=_date(row["effective_from"]), effective_to=_date(row.get("effective_to")),
            confidence=row["confidence"], note=row.get("note", ""),
        )
    for row in doc["regulations"]:
        if row.get("supersedes"):
            by_code[row["code"]].supersedes.set([by_code[code] for code in row["supersedes"]])
    RuleParameter.objects.bulk_create(
        [
            RuleParameter(
                key=entry["key"], regulation=by_code[version["regulation"]], value=version["value"],
                effective_from=_date(version.get("effective_from")), effective_to=_date(version.get("effective_to")),
                confidence=version["confidence"], unit=entry.get("unit", ""),
                description_vi=version.get("description_vi") or entry["description_vi"],
                # Unverified rules are never hard-coded (domain: "make it configurable").
                is_configurable=bool(entry.get("configurable")) or version["confidence"] == "unverified",
            )
            for entry in doc["parameters"]
            for version in entry["versions"]
        ]
    )


def load_holidays(apps, schema_editor):
    PublicHoliday = apps.get_model("rules", "PublicHoliday")
    doc = _read("holidays.json")
    PublicHoliday.objects.bulk_create(
        [PublicHoliday(date=_date(h["date"]), name=h["name"], kind=h["kind"]) for h in doc["holidays"]]
    )


def unload(apps, schema_editor):
    for name in ("RuleParameter", "PublicHoliday", "Regulation"):
        apps.get_model("rules", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [
        migrations.RunPython(load_regulations, unload),
        migrations.RunPython(load_holidays, migrations.RunPython.noop),
    ]
