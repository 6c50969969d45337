from __future__ import annotations

import pytest

from .factories import make_member


@pytest.fixture
def cell_members(tree):
    """Three official members of cell A1 and one of cell B1 (another commune)."""
    a1 = tree.cell_a1
    return {
        "an": make_member(a1, "Nguyễn Văn An"),
        "binh": make_member(a1, "Trần Thị Bình", sex="F", fee_group="pension"),
        "cuong": make_member(a1, "Lê Văn Cường", fee_group="student"),
        "out": make_member(tree.cell_b1, "Phạm Văn Ngoài"),
    }
