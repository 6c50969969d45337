"""No N+1: the administrative-unit picker runs as many queries for a text matching two communes as for one matching
the twelve it shows, on both maps (with the 2025 units that took over a pre-2025 one)."""

from __future__ import annotations

from django.urls import reverse

from tcxd.common.tests.queries import assert_flat, measure, session_client, warm
from tcxd.geo import selectors
from tcxd.geo.models import MapVersion


def _picker(text: str, version: str):
    return reverse("geo:unit_suggest"), {"q": text, "ban-do": version}


def test_unit_picker_queries_do_not_grow_with_rows(users):
    client = session_client(users["commune_officer"])
    maps = (MapVersion.V2025, MapVersion.PRE2025)
    few = [_picker("dong kinh", v) for v in maps]  # two communes on each map
    many = [_picker("xa", v) for v in maps]  # twelve communes (the picker's limit)
    warm(client, few + many)
    small, large = measure(client, few), measure(client, many)
    assert [client.get(url, data).content.decode().count('data-testid="unit-option"') for url, data in few + many] \
        == [2, 2, 12, 12]
    assert_flat(dict(zip(maps, small.values(), strict=True)), dict(zip(maps, large.values(), strict=True)))


def test_units_successors_read_together_are_each_units_successors(db):
    units = selectors.unit_search("xa", map_version=MapVersion.PRE2025, limit=12)
    together = selectors.successors_of_units(units)
    assert {u.pk: together.get(u.pk, []) for u in units} == {u.pk: list(selectors.successors_of(u)) for u in units}
    assert sum(map(bool, together.values())) == len(units)  # every commune of the old map was taken over
