"""Plain Python functions as tools: schema from the signature, arguments validated by pydantic."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast, get_args, get_origin, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PydanticUserError,
    TypeAdapter,
    ValidationError,
    create_model,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticSerializationError, to_jsonable_python

from .engine.failures import not_json_text
from .json_types import TOO_DEEP, JsonValue, json_problem
from .tool_threads import run_in_tool_thread
from .tools import HandledTool, ToolDefinition, ToolError

__all__ = ["BoundTool", "bind_tool", "describe_validation_error", "docstring_arguments"]


@dataclass(frozen=True)
class BoundTool:
    """A session's tool: its definition, and the Python function behind it (None: delegate)."""

    definition: ToolDefinition
    function: Callable[..., Any] | None = None
    arguments: type[BaseModel] | None = None

    @property
    def runs_inline(self) -> bool:
        """A plain `def` function: the engine calls it on the thread running the script."""
        return (
            self.function is not None
            and self.arguments is not None
            and not inspect.iscoroutinefunction(self.function)
        )

    def start(self, arguments: JsonValue) -> Awaitable[Any]:
        """Validate `arguments` (else raise `ToolError`) and call the function: the awaitable
        of its result, which `finish` turns into the call's JSON value. Without an arguments
        model (a `HandledTool`) the function gets `arguments` as is.

        Not a coroutine of its own: each outstanding call of a storm would keep one more object
        alive for every full garbage collection (docs/benchmarks.md, "Event storms")."""
        assert self.function is not None
        if self.arguments is None:
            return self.function(arguments)  # type: ignore[no-any-return]
        kwargs = self._kwargs(arguments)
        if inspect.iscoroutinefunction(self.function):
            return self.function(**kwargs)  # type: ignore[no-any-return]
        return run_in_tool_thread(self.function, **kwargs)

    def finish(self, result: Any) -> JsonValue:
        """The JSON value of the call's `result` (awaited from `start`); raises `ToolError`."""
        return result if self.arguments is None else self._jsonable(result)

    def call_inline(self, arguments: JsonValue) -> JsonValue:
        """`start` and `finish` for a plain `def` function, on the calling thread (`runs_inline`)."""
        assert self.function is not None
        return self._jsonable(self.function(**self._kwargs(arguments)))

    def _kwargs(self, arguments: JsonValue) -> dict[str, Any]:
        assert self.arguments is not None
        name = self.definition.name
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolError(
                f"invalid arguments for tool {name}: expected an object with named arguments, "
                f"got {type(arguments).__name__}"
            )
        try:
            validated = self.arguments.model_validate(arguments)
        except ValidationError as exc:
            raise ToolError(describe_validation_error(name, exc)) from None
        return dict(validated.__dict__)  # the fields (extra="forbid", no private attributes)

    def _jsonable(self, result: object) -> JsonValue:
        try:
            jsonable: JsonValue = to_jsonable_python(result)
        except (PydanticSerializationError, ValueError, RecursionError):  # e.g. nested too deep
            problem = json_problem(result)
            if problem is None:  # plain JSON, deeper than pydantic writes (255 levels)
                return cast(JsonValue, result)
            if problem != TOO_DEEP:
                problem = f"a {type(result).__name__} (or what it holds) is not JSON-serialisable"
            raise ToolError(not_json_text(self.definition.name, problem)) from None
        return jsonable


def describe_validation_error(name: str, exc: ValidationError) -> str:
    """A one-line, readable account of why the arguments for tool `name` were refused."""
    problems = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"]) or "arguments"
        problems.append(f"{where}: {err['msg']}")
    return f"invalid arguments for tool {name}: " + "; ".join(problems)


def bind_tool(tool: ToolDefinition | Callable[..., Any]) -> BoundTool:
    """A `ToolDefinition` (dispatched to the delegate), a `HandledTool` (its handler gets the
    raw input) or a function (called with validated keyword arguments)."""
    if isinstance(tool, ToolDefinition):
        return BoundTool(tool)
    if isinstance(tool, HandledTool):
        return BoundTool(tool.definition, tool.handler)
    if not callable(tool):
        raise TypeError(f"a tool must be a ToolDefinition or a function, got {tool!r}")
    name = getattr(tool, "__name__", None)
    if not isinstance(name, str) or not inspect.isroutine(tool):
        raise TypeError(
            f"a tool must be a ToolDefinition or a function, got {type(tool).__name__} "
            f"{tool!r:.60} (wrap it in a def)"
        )
    description, documented = docstring_arguments(inspect.getdoc(tool) or "")
    try:
        arguments = _arguments_model(tool, documented)
        definition = ToolDefinition(
            name=name,
            description=description,
            input_schema=arguments.model_json_schema(),
            output_schema=_output_schema(tool),
        )
    except (NameError, PydanticUserError) as err:  # an unresolvable or unsupported annotation
        raise TypeError(
            f"function tool {name}: its annotations have no JSON schema: {err}"
        ) from None
    return BoundTool(definition, tool, arguments)


def _output_schema(function: Callable[..., Any]) -> dict[str, Any] | None:
    """The JSON schema of the function's return annotation (None when it has none)."""
    returns = get_type_hints(function).get("return")
    if returns is None:  # no annotation (`-> None` is NoneType: a null output)
        return None
    try:
        schema: dict[str, Any] = TypeAdapter(returns).json_schema(mode="serialization")
    except PydanticUserError:  # e.g. an arbitrary class: describe no output rather than fail
        return None
    return schema


def _arguments_model(function: Callable[..., Any], documented: dict[str, str]) -> type[BaseModel]:
    """The model of `function`'s arguments: ``Annotated[..., Field(...)]`` metadata kept, and
    each argument's docstring text as its description unless its ``Field`` has one."""
    hints = get_type_hints(function, include_extras=True)
    fields: dict[str, Any] = {}
    try:
        parameters = inspect.signature(function).parameters.values()
    except ValueError as err:  # e.g. a builtin without a signature
        raise TypeError(f"function tool {function.__name__} has no signature: {err}") from None
    for param in parameters:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise TypeError(
                f"function tool {function.__name__} must take named parameters only (not {param})"
            )
        default = ... if param.default is param.empty else param.default
        hint = hints.get(param.name, Any)
        doc = documented.get(param.name)
        if doc and not _has_description(hint):
            hint = Annotated[hint, Field(description=doc)]
        fields[param.name] = (hint, default)
    model: type[BaseModel] = create_model(
        f"{function.__name__}_arguments",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )
    return model


def _has_description(hint: Any) -> bool:
    return get_origin(hint) is Annotated and any(
        isinstance(m, FieldInfo) and m.description for m in get_args(hint)[1:]
    )


_GOOGLE_SECTION = re.compile(
    r"(?P<indent>\s*)(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments):\s*$"
)
_GOOGLE_ENTRY = re.compile(r"\*{0,2}(?P<name>\w+)\s*(\([^)]*\))?\s*:\s*(?P<text>.*)")
_NUMPY_ENTRY = re.compile(r"(?P<name>\w+)\s*(:.*)?$")
_NUMPY_RULE = re.compile(r"\s*-{3,}\s*$")


def docstring_arguments(doc: str) -> tuple[str, dict[str, str]]:
    """Split a docstring into its text without the arguments section, and each argument's
    description from a Google-style ``Args:`` or a NumPy-style ``Parameters`` section."""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        google = _GOOGLE_SECTION.fullmatch(line)
        numpy = (
            line.strip() == "Parameters"
            and i + 1 < len(lines)
            and _NUMPY_RULE.fullmatch(lines[i + 1])
        )
        if google or numpy:
            start = i + (1 if google else 2)
            indent = len(line) - len(line.lstrip())
            end, documented = _argument_entries(lines, start, indent, numpy=bool(numpy))
            rest = "\n".join(lines[:i] + lines[end:]).strip()
            return re.sub(r"\n{3,}", "\n\n", rest), documented
    return doc, {}


def _argument_entries(
    lines: list[str], start: int, indent: int, *, numpy: bool
) -> tuple[int, dict[str, str]]:
    """``(end of the section, {name: description})`` for the section body from `start`."""
    documented: dict[str, list[str]] = {}
    current: list[str] | None = None
    entry_indent: int | None = None
    end = start
    for end in range(start, len(lines) + 1):
        if end == len(lines):
            break
        line = lines[end]
        if not line.strip():
            if numpy and end + 2 < len(lines) and _NUMPY_RULE.fullmatch(lines[end + 2]):
                break  # a blank line before the next NumPy section
            continue
        depth = len(line) - len(line.lstrip())
        if numpy and end + 1 < len(lines) and _NUMPY_RULE.fullmatch(lines[end + 1]):
            break  # the next NumPy section's header
        if not numpy and depth <= indent:
            break  # the Google section ends where its indentation does
        if entry_indent is None:
            entry_indent = depth
        match = (_NUMPY_ENTRY if numpy else _GOOGLE_ENTRY).fullmatch(line.strip())
        if depth == entry_indent and match:
            current = documented.setdefault(match["name"], [])
            if not numpy and match["text"]:
                current.append(match["text"].strip())
        elif current is not None:
            current.append(line.strip())
    return end, {name: " ".join(text) for name, text in documented.items() if text}
