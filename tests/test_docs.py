"""The rule table and the CLI reference are generated; the committed copies must match."""

import pytest

from jicai.docs import targets


@pytest.mark.parametrize("path,text", list(targets().items()), ids=lambda v: getattr(v, "name", ""))
def test_generated_docs_are_up_to_date(path, text) -> None:  # type: ignore[no-untyped-def]
    assert path.read_text(encoding="utf-8") == text, (
        f"{path.name} is out of date: run `python -m jicai.docs`")
