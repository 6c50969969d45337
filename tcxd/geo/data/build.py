"""Regenerate units_2025.json, units_pre2025.json and lineage_2025.json from vietnam-provinces.

Build-time only: the package (GPL-3.0-or-later) is never a runtime dependency of TCXD. Prepare the
sources in scratch locations first (see README.md in this folder), then run from the repository root:

    python3 tcxd/geo/data/build.py \\
        --vp06 /tmp/vp06 --vp2025 /tmp/vp2025 \\
        --wheel /tmp/vpnew/vietnam_provinces-2026.9.0-py3-none-any.whl

Sources:
* ``--wheel`` (2026.9.0, Python ≥ 3.12, read as a zip, never installed): the 2025 two-level map
  (``data/nested-divisions.json``) and the old→new conversion tables (``_ward_conversion_2025.py``).
  Its ward codes are the NSO codes that the conversion tables refer to.
* ``--vp2025`` (venv with 2025.10.1): cross-check only (same counts per type; code differences are
  reported, because 2025.10.1 carries ~120 codes that the NSO list assigns differently).
* ``--vp06`` (venv with 0.6.0): the 63-province three-level map. Its JSON labels every unit as
  tỉnh/huyện/xã, so unit types are derived from the name prefix and checked against the wheel's
  ``legacy/_lookup.py``.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import sys
import types
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

OUT = Path(__file__).resolve().parent
FIELDS = ["code", "level", "unit_type", "name", "short_name", "parent"]

# Name prefix -> unit type, per level. Longest prefixes first.
PREFIXES: dict[str, list[tuple[str, str]]] = {
    "province": [("Thành phố", "tp_tw"), ("Tỉnh", "tinh")],
    "district": [("Thành phố", "tp_thuoc_tinh"), ("Thị xã", "thi_xa"), ("Quận", "quan"), ("Huyện", "huyen")],
    "commune": [("Thị trấn", "thi_tran"), ("Đặc khu", "dac_khu"), ("Phường", "phuong"), ("Xã", "xa")],
}
# division_type strings used by the package -> our unit types (2025 map and legacy module).
PACKAGE_TYPES = {
    "tỉnh": "tinh",
    "thành phố trung ương": "tp_tw",
    "phường": "phuong",
    "xã": "xa",
    "đặc khu": "dac_khu",
    "TINH": "tinh",
    "THANH_PHO_TRUNG_UONG": "tp_tw",
    "HUYEN": "huyen",
    "QUAN": "quan",
    "THANH_PHO": "tp_thuoc_tinh",
    "THI_XA": "thi_xa",
    "XA": "xa",
    "THI_TRAN": "thi_tran",
    "PHUONG": "phuong",
}
WIDTH = {"province": 2, "district": 3, "commune": 5}
# E-01: the 11 provincial units kept unchanged on 1/7/2025.
UNCHANGED = {
    "Cao Bằng",
    "Điện Biên",
    "Hà Tĩnh",
    "Lai Châu",
    "Lạng Sơn",
    "Nghệ An",
    "Quảng Ninh",
    "Thanh Hóa",
    "Sơn La",
    "Hà Nội",
    "Huế",
}


def code(level: str, value: int) -> str:
    return str(value).zfill(WIDTH[level])


def clean_name(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split())
    name = name.replace("Thành Phố ", "Thành phố ")
    return name[:1].upper() + name[1:]


def split_name(level: str, name: str) -> tuple[str, str]:
    """Return (unit_type, short_name). Numbered units ("Phường 1", "Quận 3") keep their full name."""
    for prefix, unit_type in PREFIXES[level]:
        if name.startswith(prefix + " "):
            short = name[len(prefix) + 1 :]
            return unit_type, name if short.isdigit() else short
    raise SystemExit(f"unknown type prefix for {level} {name!r}")


def row(level: str, value: int, name: str, parent: str | None, package_type: str | None = None) -> list:
    name = clean_name(name)
    unit_type, short = split_name(level, name)
    if package_type is not None and PACKAGE_TYPES[package_type] != unit_type:
        raise SystemExit(f"type mismatch for {name!r}: package says {package_type}")
    return [code(level, value), level, unit_type, name, short, parent]


def site_json(venv: Path) -> list[dict]:
    found = sorted(venv.glob("lib/python3*/site-packages/vietnam_provinces/data/nested-divisions.json"))
    if not found:
        raise SystemExit(f"vietnam_provinces not installed in {venv}")
    return json.loads(found[0].read_text(encoding="utf-8"))


def load_module(wheel: zipfile.ZipFile, member: str) -> types.ModuleType:
    """Execute a data-only module of the wheel (it imports only ``typing``) without installing it."""
    source = wheel.read(member).decode("utf-8")
    imports = {line for line in source.splitlines() if re.match(r"\s*(import|from)\s", line)}
    if imports != {"from typing import NamedTuple"}:
        raise SystemExit(f"{member} has unexpected imports: {imports}")
    module = types.ModuleType(member.replace("/", ".").removesuffix(".py"))
    exec(compile(source, member, "exec"), module.__dict__)
    return module


def build_2025(nested: list[dict]) -> list[list]:
    rows = []
    for prov in nested:
        pcode = code("province", prov["code"])
        rows.append(row("province", prov["code"], prov["name"], None, prov["division_type"]))
        for ward in prov["wards"]:
            rows.append(row("commune", ward["code"], ward["name"], pcode, ward["division_type"]))
    return sorted(rows, key=lambda r: (WIDTH[r[1]], r[0]))


def build_pre2025(nested: list[dict]) -> list[list]:
    rows = []
    for prov in nested:
        pcode = code("province", prov["code"])
        rows.append(row("province", prov["code"], prov["name"], None))
        for dist in prov["districts"]:
            dcode = code("district", dist["code"])
            rows.append(row("district", dist["code"], dist["name"], pcode))
            for ward in dist["wards"]:
                rows.append(row("commune", ward["code"], ward["name"], dcode))
    return sorted(rows, key=lambda r: (WIDTH[r[1]], r[0]))


def check_legacy_types(wheel: zipfile.ZipFile, rows: list[list]) -> None:
    """The wheel's legacy module has correct types for the 0.6.0 units: ours must agree."""
    text = wheel.read("vietnam_provinces/legacy/_lookup.py").decode("utf-8")
    pattern = re.compile(
        r"(Province|District|Ward)\(\s*(?:'[^']*'|\"[^\"]*\"),\s*\w+Code\.\w_0*(\d+),\s*VietNamDivisionType\.(\w+)"
    )
    level_of = {"Province": "province", "District": "district", "Ward": "commune"}
    legacy = {(level_of[k], code(level_of[k], int(c))): PACKAGE_TYPES[t] for k, c, t in pattern.findall(text)}
    ours = {(r[1], r[0]): r[2] for r in rows}
    if len(legacy) != len(ours):
        raise SystemExit(f"legacy module has {len(legacy)} units, 0.6.0 has {len(ours)}")
    bad = [k for k, v in ours.items() if legacy.get(k) != v]
    if bad:
        raise SystemExit(f"{len(bad)} pre-2025 unit types disagree with the legacy module, e.g. {bad[:5]}")


def build_lineage(
    wheel: zipfile.ZipFile, old_rows: list[list], new_rows: list[list]
) -> tuple[list[list], dict]:
    wc = load_module(wheel, "vietnam_provinces/_ward_conversion_2025.py")
    pc = load_module(wheel, "vietnam_provinces/_province_conversion_2025.py")
    old = {r[0]: r for r in old_rows}
    new = {r[0]: r for r in new_rows}
    old_province = {
        r[0]: (r[5] if r[1] == "province" else old[r[5]][5]) for r in old_rows if r[1] == "commune"
    }
    new_province = {r[0]: r[5] for r in new_rows if r[1] == "commune"}
    stats: dict = collections.Counter()

    successors: dict[str, set[str]] = collections.defaultdict(set)
    partly: set[str] = set()
    for entry in wc.OLD_TO_NEW.values():
        o = code("commune", entry.old_ward.code)
        if o not in old:
            stats["ward pairs dropped: old code not in 0.6.0"] += len(entry.new_wards)
            continue
        if entry.old_ward.is_partly_merged:
            partly.add(o)
        for ref in entry.new_wards:
            successors[o].add(code("commune", ref.code))
    for entry in wc.NEW_TO_OLD.values():
        for ref in entry.old_wards:
            o = code("commune", ref.code)
            if o in old:
                successors[o].add(code("commune", entry.new_ward.code))
                if ref.is_partly_merged:
                    partly.add(o)
    missing_new = {n for s in successors.values() for n in s} - set(new)
    if missing_new:
        raise SystemExit(
            f"conversion table refers to new wards absent from the 2025 map: {sorted(missing_new)}"
        )

    rows: list[list] = []
    for o, succ in successors.items():
        kind = "whole" if len(succ) == 1 and o not in partly else "part"
        rows.extend([o, n, kind] for n in sorted(succ))
    stats["commune pairs"] = len(rows)
    stats["pre-2025 communes without successor"] = len(
        [c for c, r in old.items() if r[1] == "commune" and c not in successors]
    )

    # Island districts without communes became đặc khu: link district -> đặc khu (same province, same name).
    mapped_new = {n for s in successors.values() for n in s}
    for n, r in new.items():
        if r[1] == "commune" and n not in mapped_new:
            cands = [
                d for d in old.values() if d[1] == "district" and d[4] == r[4] and d[3].startswith("Huyện")
            ]
            if len(cands) != 1:
                raise SystemExit(f"cannot find the pre-2025 district for {r[3]!r}")
            rows.append([cands[0][0], n, "whole"])
            old_province[cands[0][0]] = cands[0][5]
            stats["island district -> đặc khu pairs"] += 1

    # Province lineage derived from the commune pairs (old province membership taken from 0.6.0).
    prov_pairs: dict[str, set[str]] = collections.defaultdict(set)
    for o, n, _ in rows:
        prov_pairs[old_province[o]].add(new_province[n])
    package = {
        code("province", k): {code("province", r.code) for r in v.new_provinces}
        for k, v in pc.OLD_TO_NEW.items()
    }
    for p, succ in sorted(prov_pairs.items()):
        if len(succ) != 1:
            raise SystemExit(f"old province {old[p][3]} splits into {succ}")
        if package[p] != succ:
            stats[f"package province table ignored: {old[p][3]} -> {sorted(package[p])}"] += 1
    if set(prov_pairs) != {c for c, r in old.items() if r[1] == "province"}:
        raise SystemExit("some old provinces have no successor")
    prov_rows = [[p, next(iter(s)), "whole"] for p, s in sorted(prov_pairs.items())]

    # E-01 cross-checks: 34 successors, 11 unchanged, 52 old provinces merged into 23.
    preds = collections.Counter(n for _, n, _ in prov_rows)
    merged = {n for n, k in preds.items() if k > 1}
    unchanged = {new[n][4] for n, k in preds.items() if k == 1}
    assert len(preds) == 34 and len(merged) == 23 and sum(preds[n] for n in merged) == 52, preds
    assert unchanged == UNCHANGED, unchanged ^ UNCHANGED
    stats["province pairs"] = len(prov_rows)
    return prov_rows + sorted(rows, key=lambda r: (r[1], r[0])), dict(stats)


def compare_2025(rows: list[list], nested_2025_10: list[dict]) -> None:
    theirs = {
        code("province", p["code"]): ("province", PACKAGE_TYPES[p["division_type"]]) for p in nested_2025_10
    }
    names = {}
    for prov in nested_2025_10:
        for ward in prov["wards"]:
            theirs[code("commune", ward["code"])] = ("commune", PACKAGE_TYPES[ward["division_type"]])
            names[code("commune", ward["code"])] = clean_name(ward["name"])
    if collections.Counter(theirs.values()) != collections.Counter((r[1], r[2]) for r in rows):
        raise SystemExit("2026.9.0 and 2025.10.1 disagree on counts per type")
    changed = sum(1 for r in rows if r[1] == "commune" and names.get(r[0]) != r[3])
    print(
        f"  2025.10.1 cross-check: same counts per type; {changed} commune codes carry another name there"
        " (renumbered or respelled)"
    )


def write(path: Path, meta: dict, fields: list[str], rows: Iterable[list]) -> None:
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]
    head = json.dumps({**meta, "fields": fields}, ensure_ascii=False, separators=(",", ":"))[:-1]
    path.write_text(head + ',"rows":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    print(f"  wrote {path.name}: {len(lines)} rows, {path.stat().st_size:,} bytes")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vp06", type=Path, required=True, help="venv with vietnam-provinces==0.6.0")
    ap.add_argument("--vp2025", type=Path, required=True, help="venv with vietnam-provinces==2025.10.1")
    ap.add_argument("--wheel", type=Path, required=True, help="vietnam_provinces-2026.9.0-py3-none-any.whl")
    args = ap.parse_args(argv)

    sha = hashlib.sha256(args.wheel.read_bytes()).hexdigest()
    with zipfile.ZipFile(args.wheel) as wheel:
        init = wheel.read("vietnam_provinces/__init__.py").decode("utf-8")
        version = re.search(r"__version__ = '([^']+)'", init)[1]  # type: ignore[index]
        data_version = re.search(r"__data_version__ = '([^']+)'", init)[1]  # type: ignore[index]
        new_rows = build_2025(json.loads(wheel.read("vietnam_provinces/data/nested-divisions.json")))
        old_rows = build_pre2025(site_json(args.vp06))
        check_legacy_types(wheel, old_rows)
        lineage, stats = build_lineage(wheel, old_rows, new_rows)
    compare_2025(new_rows, site_json(args.vp2025))

    src_new = f"vietnam-provinces {version} (data {data_version}), wheel sha256 {sha}"
    write(
        OUT / "units_2025.json",
        {"map_version": "2025", "valid_from": "2025-07-01", "source": src_new},
        FIELDS,
        new_rows,
    )
    write(
        OUT / "units_pre2025.json",
        {
            "map_version": "pre2025",
            "valid_to": "2025-06-30",
            "source": "vietnam-provinces 0.6.0 (data 2025-01-04)",
        },
        FIELDS,
        old_rows,
    )
    write(
        OUT / "lineage_2025.json",
        {"effective_on": "2025-07-01", "source": src_new + ", _ward_conversion_2025.py"},
        ["predecessor", "successor", "kind"],
        lineage,
    )
    for key, value in stats.items():
        print(f"  {key}: {value}")
    for name in ("units_2025", "units_pre2025"):
        rows = [r for r in (new_rows if name == "units_2025" else old_rows)]
        print(f"  {name}:", dict(collections.Counter((r[1], r[2]) for r in rows)))


if __name__ == "__main__":
    main(sys.argv[1:])
