"""Integrations with what agent builders already use, each an optional extra in its own
subpackage (imported only there):

- `codecells.integrations.mcp` (``codecells[mcp]``): MCP servers' tools as session tools, and a
  code-mode session served as an MCP server;
- `codecells.integrations.openai_agents` (``codecells[openai-agents]``): the OpenAI Agents SDK;
- `codecells.integrations.pydantic_ai` (``codecells[pydantic-ai]``): pydantic-ai;
- `codecells.integrations.anthropic` (``codecells[anthropic]``): the Anthropic SDK;
- `codecells.integrations.langchain` (``codecells[langchain]``): LangChain tools in code mode.
"""
