"""Time HTTP requests to a server on the loopback interface: percentiles and errors."""

from __future__ import annotations

import http.client
import math
import time


def percentile(sorted_values, share):
    """Nearest-rank percentile of already sorted values (None when there are none)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def fetch(port, path, timeout):
    """(status, bytes, seconds) of one GET; status is an error text when no answer came."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        size = len(response.read())
        return response.status, size, time.perf_counter() - started
    except (OSError, http.client.HTTPException) as error:
        return f"{type(error).__name__}: {error}", 0, time.perf_counter() - started
    finally:
        connection.close()


def measure(port, path, *, requests=20, seconds=20.0, timeout=30.0):
    """Request ``path`` once (timed on its own: the first visit, before any cache holds the
    page's counts), then up to ``requests`` times within ``seconds``.

    Every answer other than 200 counts as an error (a 404 marks a feature not built yet), the
    first one included. Percentiles are in milliseconds, over the repeated requests only,
    failed ones included.
    """
    first_status, _, first_elapsed = fetch(port, path, timeout)
    timings, statuses, size = [], {}, 0
    deadline = time.monotonic() + seconds
    while len(timings) < requests and (not timings or time.monotonic() < deadline):
        status, size, elapsed = fetch(port, path, timeout)
        timings.append(elapsed * 1000)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    timings.sort()
    errors = sum(count for status, count in statuses.items() if status != "200")
    errors += str(first_status) != "200"
    return {
        "path": path,
        "requests": len(timings),
        "errors": errors,
        "statuses": statuses,
        "first_status": str(first_status),
        "first_ms": round(first_elapsed * 1000, 2),
        "bytes": size,
        "p50_ms": round(percentile(timings, 0.50), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "max_ms": round(timings[-1], 2),
    }
