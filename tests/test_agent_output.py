"""Cell events as exec / wait tool outputs."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codecells import Completed, ImageItem, Terminated, TextItem, Yielded
from codecells.agent import CHARS_PER_TOKEN, ToolOutput, error_output, format_event

PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()


def texts(output: ToolOutput) -> list[str]:
    return [i.text if isinstance(i, TextItem) else "[image]" for i in output.items]


def test_yielded_names_the_running_cell() -> None:
    output = format_event(Yielded(content_items=[TextItem(text="a")]), "7", 100)
    assert texts(output) == ["Script running with cell ID 7\nOutput:", "a"]
    assert output.cell_id == "7" and not output.is_error
    assert output.text() == "Script running with cell ID 7\nOutput:\na"


def test_completed_failed_and_terminated() -> None:
    done = format_event(Completed(content_items=[TextItem(text="ok")]), "1", 100)
    assert texts(done) == ["Script completed\nOutput:", "ok"]
    assert done.cell_id is None and not done.is_error
    failed = format_event(Completed(error_text="Error: boom"), "1", 100)
    assert texts(failed) == ["Script failed\nOutput:", "Script error:\nError: boom"]
    assert failed.is_error
    stopped = format_event(Terminated(content_items=[TextItem(text="x")]), "1", 100)
    assert texts(stopped) == ["Script terminated\nOutput:", "x"]
    assert stopped.cell_id is None and not stopped.is_error


def test_truncation_keeps_the_budget_marks_the_rest_and_keeps_images() -> None:
    items = [
        TextItem(text="a" * 6),
        ImageItem(image_url=PNG, detail="low"),
        TextItem(text="b" * 10),
        TextItem(text="c" * 20),
    ]
    output = format_event(Completed(content_items=items), "1", max_tokens=3)
    budget = 3 * CHARS_PER_TOKEN
    assert texts(output) == [
        "Script completed\nOutput:",
        "a" * 6,
        "[image]",
        "b" * (budget - 6),
        "…[output truncated: about 6 more tokens]",  # 4 + 20 characters
    ]


def test_zero_budget_and_exact_fit() -> None:
    cut = format_event(Yielded(content_items=[TextItem(text="abcd")]), "2", 0)
    assert texts(cut)[1:] == ["…[output truncated: about 1 more tokens]"]
    fits = format_event(Yielded(content_items=[TextItem(text="abcd")]), "2", 1)
    assert texts(fits)[1:] == ["abcd"]


def test_error_text_counts_toward_the_budget() -> None:
    output = format_event(Completed(error_text="e" * 100), "1", max_tokens=5)
    assert texts(output)[1] == "Script error:\n" + "e" * 6
    assert texts(output)[2].startswith("…[output truncated")


def test_openai_and_anthropic_content() -> None:
    text_only = format_event(Completed(content_items=[TextItem(text="hi")]), "1", 10)
    assert text_only.openai_output() == "Script completed\nOutput:\nhi"
    with_image = format_event(Completed(content_items=[ImageItem(image_url=PNG)]), "1", 10)
    assert with_image.openai_output() == [
        {"type": "input_text", "text": "Script completed\nOutput:"},
        {"type": "input_image", "image_url": PNG, "detail": "auto"},
    ]
    assert with_image.anthropic_content() == [
        {"type": "text", "text": "Script completed\nOutput:"},
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": PNG.split(",")[1]},
        },
    ]
    odd = format_event(
        Completed(content_items=[ImageItem(image_url="data:image/svg+xml,<svg/>")]), "1", 10
    )
    assert odd.anthropic_content()[1] == {"type": "text", "text": "[image: not a base64 data: URL]"}


def test_error_output() -> None:
    output = error_output("exec cell 9 not found")
    assert output.text() == "exec cell 9 not found"
    assert output.is_error and output.cell_id is None


@given(st.lists(st.text(max_size=30), max_size=6), st.integers(min_value=0, max_value=20))
def test_truncation_never_exceeds_the_budget_and_keeps_a_prefix(
    pieces: list[str], max_tokens: int
) -> None:
    event = Yielded(content_items=[TextItem(text=p) for p in pieces])
    body = texts(format_event(event, "1", max_tokens))[1:]
    whole = "".join(pieces)
    if len(whole) <= max_tokens * CHARS_PER_TOKEN:
        assert body == pieces
    else:
        assert body[-1].startswith("…[output truncated: about ")
        kept = "".join(body[:-1])
        assert kept == whole[: max_tokens * CHARS_PER_TOKEN]


@pytest.mark.parametrize(
    ("media_type", "shown"),
    [("image/png", "image/png"), ("image/jpg", "image/jpeg"), ("IMAGE/WEBP", "image/webp")],
)
def test_accepted_image_types_pass_normalised(media_type: str, shown: str) -> None:
    data = base64.b64encode(b"img").decode()
    output = format_event(
        Completed(content_items=[ImageItem(image_url=f"data:{media_type};base64,{data}")]), "1", 10
    )
    assert output.anthropic_content()[1]["source"] == {
        "type": "base64",
        "media_type": shown,
        "data": data,
    }
    assert output.openai_output()[1]["image_url"] == f"data:{shown};base64,{data}"


@pytest.mark.parametrize("media_type", ["image/svg+xml", "image/bmp", "image/tiff"])
def test_image_types_a_provider_rejects_become_text(media_type: str) -> None:
    data = base64.b64encode(b"img").decode()
    output = format_event(
        Completed(content_items=[ImageItem(image_url=f"data:{media_type};base64,{data}")]), "1", 10
    )
    note = f"[image of type {media_type} left out: the model accepts gif, jpeg, png, webp]"
    assert output.anthropic_content()[1] == {"type": "text", "text": note}
    assert output.openai_output()[1] == {"type": "input_text", "text": note}
