from __future__ import annotations

import pytest

from tcxd.fees.tests.factories import make_member


@pytest.fixture
def cell(tree):
    """Cell A1 with three official members, one of them exempted from activities; one member in B1."""
    a1 = tree.cell_a1
    return {
        "an": make_member(a1, "Nguyễn Văn An"),
        "binh": make_member(a1, "Trần Thị Bình", sex="F"),
        "cuong": make_member(a1, "Lê Văn Cường", exempted=True),
        "out": make_member(tree.cell_b1, "Phạm Văn Ngoài"),
    }
