"""The payload-parity workload, run with the Python `noveum-trace` SDK against a capture server (see
Scripts/python-parity.sh). The Swift side runs the same workload in
Tests/NoveumTraceReliabilityTests/PythonPayloadParityTests.swift and compares the two requests field by field.

1. The product document's batch example: a span with two children under explicit parents, one child succeeding
   and one failing with ValueError("boom").
2. An LLM call traced with the context manager: model gpt-4, provider openai, 12 input and 34 output tokens.

Run: NOVEUM_ALLOW_INSECURE_TRANSPORT=true python parity_workload.py --endpoint http://127.0.0.1:PORT/api
"""

import argparse

import noveum_trace
from noveum_trace.core.span import SpanStatus


def batch_example():
    client = noveum_trace.get_client()
    trace = client.start_trace("batch_query_processing_trace")
    batch_span = client.start_span(
        name="batch_query_processing",
        attributes={"batch.size": 2, "batch.operation": "llm_processing"},
    )
    for i in range(2):
        query_span = client.start_span(
            name=f"query_processing_{i}",
            parent_span_id=batch_span.span_id,
            attributes={"query.index": i, "query.text": "q"},
        )
        try:
            if i == 1:
                raise ValueError("boom")
            query_span.set_attributes({"query.success": True})
            query_span.set_status(SpanStatus.OK)
        except Exception as error:  # the document's pattern: record, mark, go on (statuses as enum values:
            # 1.5.28 drops the whole trace's spans when given the document's strings)
            query_span.record_exception(error)
            query_span.set_status(SpanStatus.ERROR, str(error))
        finally:
            client.finish_span(query_span)
    batch_span.set_status(SpanStatus.OK)
    client.finish_span(batch_span)
    client.finish_trace(trace)


def llm_call():
    with noveum_trace.trace_llm_call(model="gpt-4", provider="openai") as llm:
        llm.set_usage_attributes(input_tokens=12, output_tokens=34)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True, help="the capture server, e.g. http://127.0.0.1:PORT/api")
    args = parser.parse_args()
    noveum_trace.init(
        api_key="parity-test-key", project="production-app", environment="development", endpoint=args.endpoint
    )
    batch_example()
    llm_call()
    noveum_trace.flush()
    noveum_trace.shutdown()


if __name__ == "__main__":
    main()
