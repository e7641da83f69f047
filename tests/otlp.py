"""A loopback OTLP/HTTP collector: decodes what the real exporters send (protobuf) and keeps it.

    with OTLPReceiver() as otlp:
        ... OTEL_EXPORTER_OTLP_ENDPOINT=otlp.base_url ...
        otlp.spans()       # every span received, as dicts: name, trace_id, parent_id, attributes
        otlp.metrics()     # metric names received
"""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


def _value(v) -> object:
    """An OTLP AnyValue as a Python value."""
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    return getattr(v, kind) if kind else None


class OTLPReceiver:
    def __init__(self):
        self.traces: list[ExportTraceServiceRequest] = []
        self.metric_requests: list[ExportMetricsServiceRequest] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                receiver.paths.append(self.path)
                if self.path == "/v1/traces":
                    req, reply = ExportTraceServiceRequest(), ExportTraceServiceResponse()
                    req.ParseFromString(body)
                    receiver.traces.append(req)
                elif self.path == "/v1/metrics":
                    req, reply = ExportMetricsServiceRequest(), ExportMetricsServiceResponse()
                    req.ParseFromString(body)
                    receiver.metric_requests.append(req)
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = reply.SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def spans(self) -> list[dict]:
        out = []
        for req in self.traces:
            for rs in req.resource_spans:
                service = {a.key: _value(a.value) for a in rs.resource.attributes}.get("service.name")
                for ss in rs.scope_spans:
                    for s in ss.spans:
                        out.append({"name": s.name, "trace_id": s.trace_id.hex(), "span_id": s.span_id.hex(),
                                    "parent_id": s.parent_span_id.hex() or None, "service": service,
                                    "attributes": {a.key: _value(a.value) for a in s.attributes}})
        return out

    def metrics(self) -> dict[str, dict]:
        """Metric name -> its last OTLP JSON form (sums and histograms with their data points)."""
        out = {}
        for req in self.metric_requests:
            for rm in req.resource_metrics:
                for sm in rm.scope_metrics:
                    for metric in sm.metrics:
                        out[metric.name] = MessageToDict(metric)
        return out

    def __enter__(self) -> OTLPReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
