import pytest

from tcxd.common import cccd


@pytest.mark.parametrize("number, sex, year, ok", [
    ("001085012345", "M", 1985, True),
    ("001185012345", "F", 1985, True),
    ("079203000001", "M", 2003, True),
    ("079303000001", "F", 2003, True),
    ("001085012345", "F", 1985, False),   # 4th digit says male
    ("001086012345", "M", 1985, False),   # year digits 86 ≠ 85
    ("097085012345", "M", 1985, False),   # no province 097
    ("00108501234", "M", 1985, False),    # 11 digits
    ("00108501234a", "M", 1985, False),
])
def test_cccd(number, sex, year, ok):
    assert (cccd.problems(number, sex=sex, birth_year=year) == []) is ok


def test_normalize():
    assert cccd.normalize(" 001 085.012-345 ") == "001085012345"
