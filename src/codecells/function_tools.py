"""Plain Python functions as tools: schema from the signature, arguments validated by pydantic."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    PydanticUserError,
    TypeAdapter,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticSerializationError, to_jsonable_python

from .json_types import JsonValue
from .tools import ToolDefinition, ToolError

__all__ = ["BoundTool", "bind_tool", "describe_validation_error"]


@dataclass(frozen=True)
class BoundTool:
    """A session's tool: its definition, and the Python function behind it (None: delegate)."""

    definition: ToolDefinition
    function: Callable[..., Any] | None = None
    arguments: type[BaseModel] | None = None

    @property
    def runs_inline(self) -> bool:
        """A plain `def` function: the engine calls it on the thread running the script."""
        return self.function is not None and not inspect.iscoroutinefunction(self.function)

    async def call(self, arguments: JsonValue) -> JsonValue:
        """Validate `arguments` and call the function; failures raise `ToolError`."""
        assert self.function is not None
        kwargs = self._kwargs(arguments)
        if inspect.iscoroutinefunction(self.function):
            result = await self.function(**kwargs)
        else:
            result = await asyncio.to_thread(self.function, **kwargs)
        return self._jsonable(result)

    def call_inline(self, arguments: JsonValue) -> JsonValue:
        """`call` for a plain `def` function, on the calling thread (`runs_inline`)."""
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
        except PydanticSerializationError:
            raise ToolError(
                f"tool {self.definition.name} returned a {type(result).__name__}, "
                "which is not JSON-serialisable"
            ) from None
        return jsonable


def describe_validation_error(name: str, exc: ValidationError) -> str:
    """A one-line, readable account of why the arguments for tool `name` were refused."""
    problems = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"]) or "arguments"
        problems.append(f"{where}: {err['msg']}")
    return f"invalid arguments for tool {name}: " + "; ".join(problems)


def bind_tool(tool: ToolDefinition | Callable[..., Any]) -> BoundTool:
    """A `ToolDefinition` (dispatched to the delegate) or a function (called directly)."""
    if isinstance(tool, ToolDefinition):
        return BoundTool(tool)
    if not callable(tool):
        raise TypeError(f"a tool must be a ToolDefinition or a function, got {tool!r}")
    arguments = _arguments_model(tool)
    definition = ToolDefinition(
        name=tool.__name__,
        description=inspect.getdoc(tool) or "",
        input_schema=arguments.model_json_schema(),
        output_schema=_output_schema(tool),
    )
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


def _arguments_model(function: Callable[..., Any]) -> type[BaseModel]:
    hints = get_type_hints(function)
    fields: dict[str, Any] = {}
    for param in inspect.signature(function).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise TypeError(
                f"function tool {function.__name__} must take named parameters only (not {param})"
            )
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (hints.get(param.name, Any), default)
    model: type[BaseModel] = create_model(
        f"{function.__name__}_arguments",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )
    return model
