"""Load generators for the benchmark: wrk with a rotation script, and a Python one.

A load is a file of request lines, `path<TAB>Header: value<TAB>...`, handed out in turn: each
connection its own slice, so two connections never send the same line. With `once`, each line
is sent at most once: a connection goes once round its slice, starting where the last run of the
same Rotation left it (a line comes again only after the rest of its slice has been sent), and
the run ends when the first connection is round, or when time is up. Without it, each slice goes
round and round until time is up.

Both count as an error any answer that is not 2xx or 3xx, and any connection error; both keep
the first few failing requests (method, path, status) to print.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# One wrk thread per connection, so that a thread's responses come back in the order of its
# requests: a failure is told by its path, and each latency is timed here, from request() to
# response(). gunicorn's sync workers close every connection and wrk opens a new one at once; a
# thread that stops leaves that new one idle, and an idle connection holds a sync worker until
# wrk exits. So with `once` the run ends when the first thread is through its slice (it says so
# on stderr, and run_wrk sends wrk SIGINT), and only the answers before that moment count.
WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads, started = {}, 0

function setup(thread)
  thread:set("id", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  local lines = {}
  for line in io.lines(os.getenv("BENCH_LINES")) do table.insert(lines, line) end
  local count = tonumber(os.getenv("BENCH_THREADS"))
  local from, to = math.floor(#lines * id / count) + 1, math.floor(#lines * (id + 1) / count)
  once = os.getenv("BENCH_ONCE") == "1"
  local starts = {}
  for start in string.gmatch(os.getenv("BENCH_STARTS") or "", "%d+") do
    table.insert(starts, tonumber(start))
  end
  start = starts[id + 1] or 0  -- where the last round of this load left this slice
  requests, paths = {}, {}
  for i = from, to do
    local path, headers = nil, {}
    for part in string.gmatch(lines[i], "[^\t]+") do
      if not path then
        path = part
      else
        local name, value = part:match("^([^:]+):%s*(.*)$")
        headers[name] = value
      end
    end
    table.insert(paths, path)
    table.insert(requests, wrk.format("GET", path, headers))
  end
  -- wrk calls the first thread's request() once before the run, to look at the request.
  looked_at = id ~= 0
  sent, current, sent_at, first, finished = 0, 1, 0, 0, 0
  -- Flat lists: thread:get copies a table of tables wrongly (wrk 4.1 crashes).
  latencies, answered_at, failed_at, failed = {}, {}, {}, {}
end

function request()
  if not looked_at then
    looked_at = true
    return requests[1]
  end
  if once and sent >= #requests then
    -- Not reached: the last answer stopped the thread. Never a line twice.
    wrk.thread:stop()
    return requests[current]
  end
  current = (start + sent) % #requests + 1
  sent = sent + 1
  sent_at = now()
  if first == 0 then first = sent_at end
  return requests[current]
end

function response(status, headers, body)
  local at = now()
  table.insert(latencies, (at - sent_at) * 1000)
  table.insert(answered_at, at)
  if status >= 400 or status < 200 then
    table.insert(failed_at, at)
    table.insert(failed, status .. " GET " .. paths[current])
  end
  if once and sent >= #requests then
    finished = at
    wrk.thread:stop()
    io.stderr:write("FINISHED\n")
    io.stderr:flush()
  end
end

function done(summary, latency, requests)
  local first, stop = math.huge, math.huge
  for _, thread in ipairs(threads) do
    local t0, t1 = thread:get("first"), thread:get("finished")
    if t0 > 0 and t0 < first then first = t0 end
    if t1 > 0 and t1 < stop then stop = t1 end
  end
  local counted, last, failures, errors, sent = {}, 0, {}, 0, {}
  for _, thread in ipairs(threads) do
    table.insert(sent, thread:get("sent"))
    local times = thread:get("answered_at")
    for i, ms in ipairs(thread:get("latencies")) do
      if times[i] <= stop then
        table.insert(counted, ms)
        if times[i] > last then last = times[i] end
      end
    end
    local failed = thread:get("failed")
    for i, at in ipairs(thread:get("failed_at")) do
      if at <= stop then
        errors = errors + 1
        if #failures < 5 then table.insert(failures, failed[i]) end
      end
    end
  end
  table.sort(counted)
  local function percentile(p)
    if #counted == 0 then return 0 end
    return counted[math.max(1, math.ceil(#counted * p / 100))]
  end
  errors = errors + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format('BENCH {"requests": %d, "seconds": %f, "errors": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f, "sent": [%s]}\n', #counted,
    last > first and last - first or 0, errors, percentile(50), percentile(95), percentile(99),
    table.concat(sent, ", ")))
  io.write("FAILURES\n" .. table.concat(failures, "\n") .. "\n")
end
"""


@dataclass
class Line:
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> str:
        return "\t".join([self.path, *(f"{k}: {v}" for k, v in self.headers.items())])


@dataclass
class Result:
    requests: int  # answered and counted (for "step saved": saves, three requests each)
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    failures: list[str] = field(default_factory=list)
    # The server's CPU time per request (per save for "step saved"), when it could be read.
    cpu_ms: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def slices(count: int, parts: int) -> list[range]:
    """The same cut as the wrk script's: part i takes [count*i/parts, count*(i+1)/parts)."""
    return [range(count * i // parts, count * (i + 1) // parts) for i in range(parts)]


@dataclass
class Rotation:
    """Where each connection's slice of one load was left by its last run."""

    offsets: list[int] = field(default_factory=list)

    def starts(self, connections: int) -> list[int]:
        if len(self.offsets) != connections:
            self.offsets = [0] * connections
        return self.offsets

    def advance(self, count: int, sent: list[int]) -> None:
        for i, (part, n) in enumerate(zip(slices(count, len(sent)), sent, strict=True)):
            self.offsets[i] = (self.offsets[i] + n) % len(part)


def enough(lines: list[Line], connections: int, *, once: bool) -> list[Line]:
    """At least a line per connection: repeated when they go round, else an error."""
    if len(lines) >= connections:
        return lines
    if once or not lines:
        raise ValueError(
            f"{len(lines)} lines cannot be sent once each over {connections} connections"
        )
    return lines * -(-connections // len(lines))


def run_wrk(
    base: str,
    lines: list[Line],
    *,
    seconds: float,
    connections: int,
    once: bool,
    tmp: Path,
    rotation: Rotation | None = None,
) -> Result:
    lines = enough(lines, connections, once=once)
    rotation = rotation or Rotation()
    script = tmp / "rotation.lua"
    script.write_text(WRK_SCRIPT)
    lines_file = tmp / "lines.txt"
    lines_file.write_text("".join(line.encode() + "\n" for line in lines))
    env = {
        **os.environ,
        "BENCH_LINES": str(lines_file),
        "BENCH_THREADS": str(connections),
        "BENCH_ONCE": "1" if once else "0",
        "BENCH_STARTS": ",".join(map(str, rotation.starts(connections))),
    }
    duration = f"{max(1, math.ceil(seconds))}s"  # wrk takes whole seconds
    process = subprocess.Popen(
        ["wrk", "-t", str(connections), "-c", str(connections), "-d", duration,
         "--timeout", "10s", "-s", str(script), base + "/"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    problems = []
    for line in process.stderr:
        if line == "FINISHED\n":
            process.send_signal(signal.SIGINT)  # wrk stops and reports, as on Ctrl-C
        else:
            problems.append(line)
    output = process.stdout.read()
    if process.wait() != 0 or "BENCH " not in output:
        raise RuntimeError(f"wrk failed: {''.join(problems)}{output}")
    line = next(x for x in output.splitlines() if x.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    rotation.advance(len(lines), [int(n) for n in data.pop("sent")])
    failures = [x for x in output.split("FAILURES\n", 1)[1].splitlines() if x]
    return Result(**data, failures=failures)


def run_python(
    base: str,
    lines: list[Line],
    *,
    seconds: float,
    connections: int,
    once: bool,
    rotation: Rotation | None = None,
) -> Result:
    """The same rotation as the wrk script, from threads with http.client connections; with
    `once`, the run ends when the first thread is through its slice, as there."""
    lines = enough(lines, connections, once=once)
    rotation = rotation or Rotation()
    starts = rotation.starts(connections)
    parts = slices(len(lines), connections)
    sent = [0] * connections
    through = threading.Event()

    def work(part: range, deadline: float, record: Callable[[float, str | None], None]) -> None:
        connection = _connection(base)
        number = parts.index(part)
        while time.monotonic() < deadline and not through.is_set():
            if once and sent[number] >= len(part):
                through.set()
                return
            line = lines[part[(starts[number] + sent[number]) % len(part)]]
            sent[number] += 1
            started = time.perf_counter()
            failure = None
            try:
                status = _get(connection, line.path, line.headers)
                if not 200 <= status < 400:
                    failure = f"{status} GET {line.path}"
            except (OSError, http.client.HTTPException) as error:
                failure = f"{type(error).__name__} GET {line.path}"
                connection.close()
                connection = _connection(base)
            record((time.perf_counter() - started) * 1000, failure)

    result = run_threads(work, len(lines), seconds=seconds, connections=connections)
    rotation.advance(len(lines), sent)
    return result


def run_threads(
    work: Callable[[range, float, Callable[[float, str | None], None]], None],
    count: int,
    *,
    seconds: float,
    connections: int,
) -> Result:
    """Run `work(slice, deadline, record)` on `connections` threads; each call of
    record(milliseconds, failure or None) counts one iteration."""
    latencies: list[float] = []
    failures: list[str] = []
    errors = [0]
    lock = threading.Lock()

    def record(milliseconds: float, failure: str | None) -> None:
        with lock:
            latencies.append(milliseconds)
            if failure is not None:
                errors[0] += 1
                if len(failures) < 5:
                    failures.append(failure)

    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=work, args=(part, deadline, record))
        for part in slices(count, connections)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(
        len(latencies), elapsed, errors[0], quantiles[49], quantiles[94], quantiles[98], failures
    )


def _connection(base: str) -> http.client.HTTPConnection:
    host, port = base.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=10)


def _get(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> int:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status
