"""codecells: code mode for AI agents.

Model-written JavaScript runs in QuickJS *cells* whose lifecycle is an explicit, declarative
finite-state machine (see `codecells.fsm`). Start with `Session`.
"""

from __future__ import annotations

from .config import SessionConfig
from .errors import (
    AlreadyTerminating,
    BusyObserver,
    CannotSuspend,
    ClosedCell,
    CodeCellsError,
    EngineError,
    InvalidGeneration,
    MissingCell,
    ReplayDiverged,
    ShuttingDown,
    StoreError,
    UnknownToolCall,
    WrongCellKind,
)
from .events import (
    CellEvent,
    Completed,
    ImageItem,
    Item,
    PausableCellEvent,
    Pending,
    ResumeOutcome,
    Terminated,
    TextItem,
    Yielded,
)
from .json_types import JsonValue
from .kinds import CellKind
from .session import Cell, Delegate, PausableCell, Session
from .tools import HandledTool, ToolCall, ToolDefinition, ToolError, ToolKind, current_tool_call

__all__ = [
    "AlreadyTerminating",
    "BusyObserver",
    "CannotSuspend",
    "Cell",
    "CellEvent",
    "CellKind",
    "ClosedCell",
    "CodeCellsError",
    "Completed",
    "Delegate",
    "EngineError",
    "HandledTool",
    "ImageItem",
    "InvalidGeneration",
    "Item",
    "JsonValue",
    "MissingCell",
    "PausableCell",
    "PausableCellEvent",
    "Pending",
    "ReplayDiverged",
    "ResumeOutcome",
    "Session",
    "SessionConfig",
    "ShuttingDown",
    "StoreError",
    "Terminated",
    "TextItem",
    "ToolCall",
    "ToolDefinition",
    "ToolError",
    "ToolKind",
    "UnknownToolCall",
    "WrongCellKind",
    "current_tool_call",
    "Yielded",
]

__version__ = "0.1.0"
