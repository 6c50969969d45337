from collections import Counter

import pytest

from tcxd.common.names import (
    FEMALE,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    SURNAMES,
    NameGenerator,
)

N = 20_000


@pytest.fixture(scope="module")
def sample():
    return list(NameGenerator(2025).people(N))


def test_same_seed_same_names():
    a = [p.full for p in NameGenerator(42).people(500)]
    b = [p.full for p in NameGenerator(42).people(500)]
    c = [p.full for p in NameGenerator(43).people(500)]
    assert a == b
    assert a != c


def test_vietnamese_order(sample):
    for p in sample[:2000]:
        words = p.full.split()
        assert words[0] == p.surname and p.surname in SURNAMES
        assert words[-1] == p.given
        assert " ".join(words[1:-1]) == p.middle
        assert 1 <= len(p.middle.split()) <= 2
        pool = MIDDLE_MALE if p.sex == MALE else MIDDLE_FEMALE
        assert p.middle.split()[0] in pool
        assert p.given in (GIVEN_MALE if p.sex == MALE else GIVEN_FEMALE)


def test_no_western_names_or_honorifics(sample):
    words = {w for p in sample for w in p.full.split()}
    assert not words & {"John", "Jane", "Mary", "Peter"}
    assert not any(p.full.startswith(("Quý ông", "Quý bà", "Cô ", "Ông ", "Bà ")) for p in sample)
    assert all(w[0].isupper() for w in words)


def test_nguyen_share(sample):
    share = Counter(p.surname for p in sample)["Nguyễn"] / N
    assert 0.33 <= share <= 0.43
    top = [s for s, _ in Counter(p.surname for p in sample).most_common(4)]
    assert top == ["Nguyễn", "Trần", "Lê", "Phạm"]


def test_given_name_pools_are_large():
    assert len(set(GIVEN_MALE)) >= 200
    assert len(set(GIVEN_FEMALE)) >= 200
    gen = NameGenerator(1)
    seen = {MALE: set(), FEMALE: set()}
    for sex in (MALE, FEMALE):
        for p in gen.people(N // 2, sex=sex):
            seen[sex].add(p.given)
    assert len(seen[MALE]) >= 200 and len(seen[FEMALE]) >= 200


def test_gendered_middle_names(sample):
    women = [p for p in sample if p.sex == FEMALE]
    men = [p for p in sample if p.sex == MALE]
    assert 0.4 < len(women) / N < 0.6
    thi = sum("Thị" in p.middle.split() for p in women) / len(women)
    assert thi > 0.45
    assert not any("Thị" in p.middle.split() for p in men)
    assert sum("Văn" in p.middle.split() for p in men) / len(men) > 0.25
    assert any(len(p.middle.split()) == 2 for p in women)


def test_sex_argument():
    gen = NameGenerator("seed")
    assert all(p.sex == FEMALE for p in gen.people(50, sex=FEMALE))
    assert NameGenerator(0, female_share=0.0).person().sex == MALE
    with pytest.raises(ValueError):
        gen.person(sex="x")
