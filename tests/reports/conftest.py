"""The document tests share one small real province (see province_kit)."""

from __future__ import annotations

import pytest
from province_kit import Province, build_province


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return build_province(tmp_path_factory)
