"""Prometheus metrics of the web app and the workers (`prometheus-client`, served at `/metrics`)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("progrun_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "progrun_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter("progrun_tasks_total", "Tasks finished, by actor and outcome", ["actor", "outcome"])
QUEUE_DEPTH = Gauge("progrun_queue_depth", "Messages waiting on the broker's queue", ["queue"])
UPLOADS = Gauge("progrun_uploads", "Uploads in the log by status", ["status"])
