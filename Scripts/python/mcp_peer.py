"""An MCP peer built on the official Python SDK (`mcp` 2.3.0), for the cross-language MCP tracing tests. The SDK
traces natively with OpenTelemetry: its client opens a CLIENT span `MCP send {method} {target}` per request and
injects W3C trace context into `params._meta` (SEP-414); its server's default `OpenTelemetryMiddleware` extracts
it and opens a SERVER span `{method} {target}` per inbound message. This script only installs a real tracer
provider (BatchSpanProcessor + OTLP/HTTP protobuf exporter) so those spans reach `OTEL_EXPORTER_OTLP_ENDPOINT`
(`service.name` from OTEL_SERVICE_NAME, default python-mcp-peer), and flushes it before exiting.

  python mcp_peer.py server
      An MCPServer over stdio with three tools: get_weather(city) -> "Sunny in {city}"; fail_tool(), which
      raises a ToolError so the SDK answers with an isError result; big_result(size) -> "x" * size. Exits, flushing its spans, when stdin closes
      or on SIGTERM/SIGINT.

  python mcp_peer.py client [--mode legacy|auto] -- SERVER_COMMAND [ARGS...]
      Starts SERVER_COMMAND over stdio inside one root span `python-client-root`, initializes, lists tools,
      calls get_weather {"city": "Paris"}, fail_tool {} and no_such_tool {}, and prints one JSON line per step,
      then {"trace_id": "<32 hex>"} (the root's trace id), and exits 0 once its spans are flushed.
      --mode legacy (default) uses the initialize handshake; auto first probes `server/discover`.
      The server inherits this process's environment; MCP_PEER_SERVER_SERVICE_NAME, when set, becomes the
      server's OTEL_SERVICE_NAME.

Run it with the venv that Scripts/mcp-python.sh prints.
"""

import argparse
import json
import os
import signal
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

FLUSH_TIMEOUT_MILLIS = 5000


def setup_tracing():
    """A real provider exporting to OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces), set before any span is opened.
    The SDK's module-level tracer (`get_tracer("mcp-python-sdk")`) is a proxy, so it picks this provider up."""
    service = os.environ.get("OTEL_SERVICE_NAME") or "python-mcp-peer"
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    # schedule_delay 200 ms: spans leave soon after they end, so a killed peer loses little.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=200))
    trace.set_tracer_provider(provider)
    return provider


def shutdown_tracing(provider):
    provider.force_flush(FLUSH_TIMEOUT_MILLIS)
    provider.shutdown()


def emit(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


# --- server ---------------------------------------------------------------------------------------------------


def run_server():
    provider = setup_tracing()

    def on_signal(signum, _frame):
        # Flush what ended so far, then leave at once (the event loop may be blocked reading stdin).
        try:
            shutdown_tracing(provider)
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer("python-mcp-peer", version="1.0.0")

    @server.tool()
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return f"Sunny in {city}"

    @server.tool()
    def fail_tool() -> str:
        """Always fails, so the result has isError true."""
        raise ToolError("fail_tool failed on purpose")

    @server.tool()
    def big_result(size: int) -> str:
        """A result of `size` characters, for the size limits on the caller's side."""
        return "x" * size

    try:
        server.run("stdio")  # returns when stdin closes
    finally:
        shutdown_tracing(provider)


# --- client ---------------------------------------------------------------------------------------------------


def _text(result):
    return "".join(getattr(block, "text", "") for block in result.content)


async def client_session(command, mode):
    from mcp import Client, MCPError, StdioServerParameters

    env = dict(os.environ)
    if os.environ.get("MCP_PEER_SERVER_SERVICE_NAME"):
        env["OTEL_SERVICE_NAME"] = os.environ["MCP_PEER_SERVER_SERVICE_NAME"]
    params = StdioServerParameters(command=command[0], args=command[1:], env=env)

    async with Client(params, mode=mode) as client:
        info = client.server_info
        emit(
            {
                # legacy: the initialize handshake; auto: server/discover (then initialize if the server is legacy)
                "call": "initialize" if mode == "legacy" else "connect",
                "ok": True,
                "protocol_version": client.protocol_version,
                "server_name": info.name if info else None,
            }
        )
        tools = await client.list_tools()
        emit({"call": "tools/list", "ok": True, "tools": sorted(tool.name for tool in tools.tools)})
        for name, arguments in (("get_weather", {"city": "Paris"}), ("fail_tool", {}), ("no_such_tool", {})):
            try:
                result = await client.call_tool(name, arguments)
            except MCPError as error:
                emit(
                    {
                        "call": name,
                        "ok": False,
                        "kind": "jsonrpc_error",
                        "code": error.error.code,
                        "message": error.error.message,
                    }
                )
            else:
                is_error = bool(result.is_error)
                emit(
                    {
                        "call": name,
                        "ok": not is_error,
                        "kind": "is_error_result" if is_error else "result",
                        "text": _text(result),
                    }
                )


def run_client(argv):
    parser = argparse.ArgumentParser(prog="mcp_peer.py client")
    parser.add_argument("--mode", default="legacy", choices=["legacy", "auto"])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("the server command is missing: mcp_peer.py client -- SERVER_COMMAND [ARGS...]")

    import anyio

    provider = setup_tracing()
    tracer = trace.get_tracer("mcp_peer")
    try:
        with tracer.start_as_current_span("python-client-root") as root:
            trace_id = format(root.get_span_context().trace_id, "032x")
            anyio.run(client_session, command, args.mode)
        emit({"trace_id": trace_id})
    finally:
        shutdown_tracing(provider)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("server", "client"):
        sys.exit("usage: mcp_peer.py server | mcp_peer.py client [--mode legacy|auto] -- SERVER_COMMAND [ARGS...]")
    if sys.argv[1] == "server":
        run_server()
    else:
        run_client(sys.argv[2:])


if __name__ == "__main__":
    main()
