from __future__ import annotations

import pytest

from tcxd.bench.dataset import build_dataset


@pytest.fixture
def xs_members(db):
    """The XS dataset with its member rows, histories ending today."""
    return build_dataset("XS", seed=7)
