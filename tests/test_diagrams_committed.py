"""The committed diagrams and generated doc blocks match what the definitions generate now."""

from __future__ import annotations

from pathlib import Path

import pytest

from codecells.diagrams import REGENERATE, committed_texts, embed

DOCS = Path(__file__).resolve().parent.parent / "docs"
STALE = f"is stale: the lifecycle definitions changed; regenerate with `{REGENERATE}`"


@pytest.mark.parametrize("name", sorted(committed_texts()))
def test_committed_diagram_is_current(name: str) -> None:
    path = DOCS / "diagrams" / name
    assert path.is_file(), f"docs/diagrams/{name} is missing; generate it with `{REGENERATE}`"
    assert path.read_text(encoding="utf-8") == committed_texts()[name], (
        f"docs/diagrams/{name} {STALE}"
    )


def test_committed_images_exist() -> None:
    for stem in ("continuing", "pausable", "both"):
        for ext in ("svg", "png"):
            assert (DOCS / "diagrams" / f"{stem}.{ext}").is_file(), (
                f"docs/diagrams/{stem}.{ext} is missing; generate it with `{REGENERATE}`"
            )


def test_lifecycle_doc_is_current() -> None:
    text = (DOCS / "lifecycle.md").read_text(encoding="utf-8")
    assert text == embed(text, committed_texts()), f"docs/lifecycle.md {STALE}"
    for name in ("continuing.mmd", "pausable.mmd"):
        assert f"<!-- BEGIN GENERATED {name} -->" in text
    for svg in ("both", "continuing", "pausable"):
        assert f"(diagrams/{svg}.svg)" in text
