"""Dataset sizes for the benchmarks. ``members`` is the sum of the OrgHeadcount rows; the generator
writes one Member row per counted member (plus a few candidates, not counted)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SizeSpec:
    name: str
    members: int  # target sum of headcounts (reached within a few per cent)
    provinces: tuple[str, ...] | None  # GSO codes of the populated provinces; None = all
    communes_per_province: int | None  # None = every commune of the province


# Hà Nội (126 communes) for S and M, so the commune page compares like with like across sizes.
SIZES: dict[str, SizeSpec] = {
    # Hidden size for the test suite: two communes, well under a second to build.
    "XS": SizeSpec("XS", members=2_000, provinces=("01",), communes_per_province=2),
    "S": SizeSpec("S", members=10_000, provinces=("01",), communes_per_province=6),
    "M": SizeSpec("M", members=200_000, provinces=("01",), communes_per_province=None),
    "L": SizeSpec("L", members=5_600_000, provinces=None, communes_per_province=None),
}
PUBLIC_SIZES = ("S", "M", "L")


def size_spec(name: str) -> SizeSpec:
    try:
        return SIZES[name.upper()]
    except KeyError:
        raise ValueError(f"Unknown size {name!r}; use one of {', '.join(PUBLIC_SIZES)}.")
