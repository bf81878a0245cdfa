"""One chat completion made with the official `openai` client, instrumented by OpenInference
(`openinference-instrumentation-openai`), exported over OTLP/HTTP to a receiver: what a Python LLM app looks like to
the local store.

Usage: openinference_chat.py ENDPOINT LLM_BASE_URL [SERVICE]
  ENDPOINT: the receiver's base URL; LLM_BASE_URL: an OpenAI-compatible server (http://127.0.0.1:8089).
The call runs inside a span "answer question". Prints one JSON line: {"trace_id", "model", "prompt_tokens",
"completion_tokens"}, the last three as the server answered.
"""
import json
import sys

from openai import OpenAI
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

endpoint, llm = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/")
service = sys.argv[3] if len(sys.argv) > 3 else "python-openai"
provider = TracerProvider(resource=Resource.create({"service.name": service}))
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint + "/v1/traces")))
OpenAIInstrumentor().instrument(tracer_provider=provider)

client = OpenAI(base_url=llm + "/v1", api_key="not-needed")
with provider.get_tracer("openinference-test").start_as_current_span("answer question") as root:
    completion = client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": "Say hello in three words."}], max_tokens=12,
        temperature=0)
    trace_id = format(root.get_span_context().trace_id, "032x")
provider.shutdown()
print(json.dumps({
    "trace_id": trace_id,
    "model": completion.model,
    "prompt_tokens": completion.usage.prompt_tokens,
    "completion_tokens": completion.usage.completion_tokens,
}), flush=True)
