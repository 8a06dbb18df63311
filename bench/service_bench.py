#!/usr/bin/env python3
"""Benchmark of the service, `soundscripter serve` (issue 3); prints Markdown tables.

1. --e2e: one job through the API (upload -> `completed` event on its SSE
   stream) against `soundscripter transcribe` on the same file and model
   (random-weight tiny model, 2 threads, greedy, no fallback, language en);
   fastest of --repeat, the two alternating. Target: ratio <= 1.05.
2. --jobs: 200 jobs submitted at once by 20 client threads (multipart built
   by hand): every id unique, every job completed exactly once (counted on
   GET /v1/events), GET /v1/jobs lists exactly those; throughput against the
   number of workers (`test`-shaped model with a 64-token context, jfk.wav).
3. --upload: a 1 GiB upload, streamed from disk: growth of the server's RSS.
   Two files: a WAV header followed by silence (accepted, then deleted) and
   zeros (received whole, then refused with 415). Target: < 64 MB.
4. --sse: 2,000 SSE clients (one process, non-blocking sockets) on one job:
   how late each client gets each live event compared with the first client
   to get it (events carry no timestamp), and server RSS per idle client.
   Target: p99 < 100 ms.
5. --rps: `GET /v1/jobs/{id}` with wrk, 64 connections, 10 s: req/s and
   latency p50/p99.

Without section flags, all run. Each section starts its own server on a free
port with a fresh data directory (removed afterwards), logging at its
default level (info, one line per request) to a file there.

Usage: bench/service_bench.py [--build build] [--e2e] [--jobs] [--upload] [--sse] [--rps]
                              [--quick] [--repeat 3] [--full-context] ...
"""
import argparse
import http.client
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_common import LocalApiClient, lines, make_long_wav, make_model, multipart_parts

TERMINAL = ("completed", "failed", "cancelled")


# ---------------------------------------------------------------- helpers

def run(argv):
    """Runs argv; returns (seconds, stdout)."""
    start = time.monotonic()
    proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"failed ({proc.returncode}): {' '.join(map(str, argv))}\n{err.decode()[-2000:]}")
    return seconds, out.decode()


def children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime








def make_sparse(path, size, header=b""):
    """A file of `size` bytes: header, then zeros (a hole, so nothing is written)."""
    if not path.exists() or path.stat().st_size != size:
        with open(path, "wb") as f:
            f.write(header)
            f.truncate(size)
    return path


def silent_wav_header(total_size):
    """A 16 kHz mono 16-bit WAV header for a file of total_size bytes."""
    data = (total_size - 44) & ~1
    rate, channels, bits = 16000, 1, 16
    return (b"RIFF" + (36 + data).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
            + (1).to_bytes(2, "little") + channels.to_bytes(2, "little") + rate.to_bytes(4, "little")
            + (rate * channels * bits // 8).to_bytes(4, "little") + (channels * bits // 8).to_bytes(2, "little")
            + bits.to_bytes(2, "little") + b"data" + data.to_bytes(4, "little"))


def pct(values, p):
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Server(LocalApiClient):
    """`soundscripter serve` on a free port with its own data directory."""

    def __init__(self, build, work, name, *flags):
        self.data = Path(tempfile.mkdtemp(prefix=f"serve-{name}-", dir=work))
        self.log_path = self.data / "server.log"
        self.log = open(self.log_path, "wb")
        argv = [str(build / "soundscripter"), "serve", "--port", "0", "--data-dir", str(self.data / "data"),
                *map(str, flags)]
        # More descriptors than the default 1024 for thousands of SSE clients.
        script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"'
        self.proc = subprocess.Popen(["bash", "-c", script, "serve", *argv],
                                     stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        match = re.search(r"http://[^:/]+:(\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"serve did not start: {line!r}\n{self.log_tail()}")
        self.port = int(match.group(1))
        self.pid = self.proc.pid  # bash exec'd the server: same pid
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, n=4000):
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def cpu_s(self):
        """User + system CPU seconds the server has used so far."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def mem_kb(self):
        """VmRSS and VmHWM of the server, in kB."""
        out = {}
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":")
                    out[key] = int(value.split()[0])
        return out

    def rss_kb(self, samples=1, interval=0.1):
        """Median VmRSS over a few samples."""
        values = []
        for i in range(samples):
            if i:
                time.sleep(interval)
            values.append(self.mem_kb()["VmRSS"])
        return statistics.median(values)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


def submit(server, media, fields, data=None, block=1 << 20):
    """POST /v1/jobs with media, streamed from disk in blocks (or data, when given).
    Returns (HTTP status, parsed body)."""
    ctype, head, tail = multipart_parts(fields, media.name)
    size = len(data) if data is not None else media.stat().st_size
    conn = server.conn()
    try:
        conn.putrequest("POST", "/v1/jobs")
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        conn.endheaders()
        try:
            conn.send(head)
            if data is not None:
                conn.send(data)
            else:
                with open(media, "rb") as f:
                    while chunk := f.read(block):
                        conn.send(chunk)
            conn.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early (413, 415); read what it said
        resp = conn.getresponse()
        body = resp.read()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = body.decode(errors="replace")
        return resp.status, parsed
    finally:
        conn.close()


def wait_terminal(server, job_id, timeout=1800):
    """Follows GET /v1/jobs/{id}/events until a terminal state; returns (state, monotonic time)."""
    conn = server.conn(timeout)
    try:
        conn.request("GET", f"/v1/jobs/{job_id}/events", headers={"Accept": "text/event-stream"})
        resp = conn.getresponse()
        if resp.status != 200:
            raise RuntimeError(f"events of {job_id}: {resp.status} {resp.read()[:300]!r}")
        event = None
        while raw := resp.readline():
            line = raw.decode().rstrip("\r\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "state":
                state = json.loads(line[5:]).get("state")
                if state in TERMINAL:
                    return state, time.monotonic()
        raise RuntimeError(f"events of {job_id} ended without a terminal state")
    finally:
        conn.close()


def job_through_api(server, media, fields):
    """Seconds from the start of the upload to the `completed` event; and the job id."""
    start = time.monotonic()
    status, body = submit(server, media, fields)
    if status != 201 and status != 200 and status != 202:
        raise RuntimeError(f"POST /v1/jobs: {status} {body}")
    state, done = wait_terminal(server, body["id"])
    if state != "completed":
        raise RuntimeError(f"job {body['id']} ended {state}: {server.get_json('/v1/jobs/' + body['id'])}")
    return done - start, body["id"]


def transcript_text(server, job_id):
    conn = server.conn(60)
    try:
        conn.request("GET", f"/v1/jobs/{job_id}/transcript?format=txt")
        resp = conn.getresponse()
        return resp.read().decode(errors="replace")
    finally:
        conn.close()


def verdict(ok, text):
    print(f"\n**Verdict: {'PASS' if ok else 'FAIL'}** — {text}\n", flush=True)


# ---------------------------------------------------------------- 1. end to end

def section_e2e(args, build, work, jfk):
    ctx = 0 if args.full_context else 64
    model = make_model(build, "tiny", ctx, work)
    files = [("jfk.wav (11 s)", jfk)]
    if not args.quick:
        files.append(("2 min", make_long_wav(jfk, 120, work / "long-120s.wav")))
    fields = {"language": "en", "beam_size": "1", "best_of": "1", "no_fallback": "true"}
    context = "full 448-token" if not ctx else "64-token"
    print(f"## 1. One job through the API vs `soundscripter transcribe` (tiny random model, {context} context, "
          f"2 threads, greedy, no fallback, language en; fastest of {args.repeat}, alternating)\n")
    with Server(build, work, "e2e", "--model", model, "--workers", "1", "--threads-per-job", "2") as server:
        cold, _ = job_through_api(server, jfk, fields)  # loads the model; not counted
        print("| file | transcribe s | API s | ratio | server processing s | transcribe CPU s | server CPU s "
              "| CPU ratio | same text |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        worst = 0.0
        for label, media in files:
            cli_argv = [build / "soundscripter", "transcribe", media, "--model", model, "--threads", "2",
                        "--beam-size", "1", "--best-of", "1", "--no-fallback", "--language", "en", "--quiet"]
            cli_s = api_s = processing = cli_cpu = api_cpu = float("inf")
            for _ in range(args.repeat):
                cpu = children_cpu_s()
                seconds, cli_out = run(cli_argv)
                cli_cpu = min(cli_cpu, children_cpu_s() - cpu)
                cli_s = min(cli_s, seconds)
                cpu = server.cpu_s()
                seconds, job_id = job_through_api(server, media, fields)
                api_cpu = min(api_cpu, server.cpu_s() - cpu)
                if seconds < api_s:
                    api_s = seconds
                    job = server.get_json(f"/v1/jobs/{job_id}")
                    processing = job["finished_at"] - job["started_at"]
                    api_text = transcript_text(server, job_id)
            same = "yes" if lines(api_text) == lines(cli_out) else "NO"
            ratio = api_s / cli_s
            worst = max(worst, ratio)
            print(f"| {label} | {cli_s:.2f} | {api_s:.2f} | {ratio:.3f} | {processing:.2f} | {cli_cpu:.2f} | "
                  f"{api_cpu:.2f} | {api_cpu / cli_cpu:.3f} | {same} |", flush=True)
    print(f"\nThe first job on the fresh server (loads the model, not counted above) took {cold:.2f} s. "
          "`transcribe` times include process start and model load; the API times include the upload, "
          "the queue and the SSE round trip. CPU: user + system seconds of the `transcribe` process, and of the "
          "whole server process over the job (upload, worker, SSE); less disturbed by other load than wall time, "
          "so a check on the ratio when the machine is busy.")
    verdict(worst <= 1.05, f"worst API/transcribe ratio {worst:.3f} (target ≤ 1.05)")


# ---------------------------------------------------------------- 2. 200 jobs

class GlobalEvents(threading.Thread):
    """Counts `completed` state events per job on GET /v1/events."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.conn = server.conn(3600)
        self.conn.request("GET", "/v1/events", headers={"Accept": "text/event-stream"})
        self.resp = self.conn.getresponse()  # headers in: subscribed
        if self.resp.status != 200:
            raise RuntimeError(f"GET /v1/events: {self.resp.status}")
        self.completed = {}
        self.terminal = {}
        self.last_done = None
        self.cond = threading.Condition()

    def run(self):
        event = None
        try:
            while raw := self.resp.readline():
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "state":
                    data = json.loads(line[5:])
                    if data.get("state") in TERMINAL:
                        with self.cond:
                            job = data["job"]
                            self.terminal[job] = self.terminal.get(job, 0) + 1
                            if data["state"] == "completed":
                                self.completed[job] = self.completed.get(job, 0) + 1
                            self.last_done = time.monotonic()
                            self.cond.notify_all()
        except (OSError, ValueError):
            pass

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(self.terminal.values()) < count and time.monotonic() < deadline:
                self.cond.wait(1)

    def close(self):
        self.conn.close()


def list_all_jobs(server):
    jobs, offset = [], 0
    while True:
        page = server.get_json(f"/v1/jobs?limit=100&offset={offset}")
        jobs += page["jobs"]
        offset += len(page["jobs"])
        if not page["jobs"] or offset >= page["total"]:
            return jobs, page["total"]


def section_jobs(args, build, work, jfk):
    model = make_model(build, "test", 64, work)
    media = jfk
    data = media.read_bytes()
    fields = {"language": "en", "beam_size": "1", "best_of": "1", "no_fallback": "true"}
    n, clients = args.jobs_count, args.clients
    print(f"## 2. {n} jobs submitted at once by {clients} clients (`test`-shaped random model, 64-token context, "
          f"jfk.wav, 1 thread per job)\n")
    print("| workers | all accepted s | all done s | jobs/s | ids unique | completed exactly once | "
          "GET /v1/jobs total | attempts = 1 | failed submits |")
    print("|---:|---:|---:|---:|---|---|---:|---|---:|")
    all_ok = True
    rates = []
    for workers in args.workers_list:
        with Server(build, work, f"jobs{workers}", "--model", model, "--workers", workers,
                    "--threads-per-job", "1") as server:
            job_through_api(server, media, fields)  # load the model; then a fresh store for the count
            server.delete(f"/v1/jobs/{list_all_jobs(server)[0][0]['id']}")
            listener = GlobalEvents(server)
            listener.start()
            ids, errors, lock = [], [], threading.Lock()
            barrier = threading.Barrier(clients + 1)
            per_client = [n // clients + (1 if i < n % clients else 0) for i in range(clients)]

            def client(count):
                barrier.wait()
                for _ in range(count):
                    try:
                        status, body = submit(server, media, fields, data=data)
                    except OSError as error:
                        status, body = None, str(error)
                    with lock:
                        if status in (200, 201, 202) and isinstance(body, dict):
                            ids.append(body["id"])
                        else:
                            errors.append(f"{status} {body}")

            threads = [threading.Thread(target=client, args=(c,)) for c in per_client]
            for t in threads:
                t.start()
            barrier.wait()
            start = time.monotonic()
            for t in threads:
                t.join()
            accepted = time.monotonic() - start
            listener.wait_for(len(ids), timeout=args.jobs_timeout)
            done_at = listener.last_done or time.monotonic()
            listener.close()
            jobs, total = list_all_jobs(server)
            listed = {j["id"]: j for j in jobs}
            unique = len(set(ids)) == len(ids) == n
            once = (set(listener.completed) == set(ids) and all(v == 1 for v in listener.completed.values())
                    and all(listed.get(i, {}).get("state") == "completed" for i in ids))
            attempts = all(j.get("attempts") == 1 for j in jobs)
            same_set = set(listed) == set(ids) and total == n
            elapsed = done_at - start
            rate = len(listener.completed) / elapsed
            rates.append((workers, rate))
            ok = unique and once and attempts and same_set and not errors
            all_ok &= ok
            yes = lambda b: "yes" if b else "**NO**"
            print(f"| {workers} | {accepted:.2f} | {elapsed:.2f} | {rate:.2f} | {yes(unique)} | {yes(once)} | "
                  f"{total}{'' if same_set else ' (**ids differ**)'} | {yes(attempts)} | {len(errors)} |",
                  flush=True)
            if errors:
                print(f"\nfirst failed submit: {errors[0][:300]}\n")
            if not once:
                missing = [i for i in ids if listener.completed.get(i) != 1]
                print(f"\n{len(missing)} jobs without exactly one `completed` event, e.g. "
                      f"{[(i, listener.completed.get(i), listed.get(i, {}).get('state')) for i in missing[:3]]}\n")
    print("\n`all done` runs from the first submit to the last `completed` event on GET /v1/events; "
          "jobs/s = completed / that.")
    scaling = ", ".join(f"{w} worker(s): {r:.2f} jobs/s" for w, r in rates)
    verdict(all_ok, f"all {n} jobs accepted, unique, completed exactly once and listed; {scaling}")


# ---------------------------------------------------------------- 3. 1 GiB upload

class RssSampler(threading.Thread):
    def __init__(self, server, interval=0.01):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.peak = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                self.peak = max(self.peak, self.server.mem_kb()["VmRSS"])
            except OSError:
                return
            time.sleep(self.interval)

    def stop(self):
        self.stopped.set()
        self.join()
        return self.peak


def section_upload(args, build, work, jfk):
    size = args.upload_mib << 20
    model = make_model(build, "test", 64, work)
    wav = make_sparse(work / f"upload-{args.upload_mib}m.wav", size, silent_wav_header(size))
    zeros = make_sparse(work / f"upload-{args.upload_mib}m.bin", size)
    fields = {"language": "en", "beam_size": "1", "no_fallback": "true"}
    print(f"## 3. A {args.upload_mib} MiB upload, streamed from disk in 1 MiB blocks (--max-upload-size 2G)\n")
    print("| file | status | seconds | MB/s | RSS before MB | peak RSS during upload MB | growth MB | "
          "VmHWM before → after MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    worst = 0.0
    with Server(build, work, "upload", "--model", model, "--workers", "1", "--threads-per-job", "1",
                "--max-upload-size", "2G") as server:
        job_through_api(server, jfk, fields)  # the engine is loaded and cached before the baseline
        time.sleep(0.5)
        for label, media in (("zeros (not media → 415 after the whole body)", zeros),
                             ("WAV header + silence (accepted, then deleted)", wav)):
            before = server.mem_kb()
            sampler = RssSampler(server)
            sampler.start()
            start = time.monotonic()
            status, body = submit(server, media, fields)
            seconds = time.monotonic() - start
            peak = sampler.stop()
            after = server.mem_kb()
            if isinstance(body, dict) and "id" in body:
                server.delete(f"/v1/jobs/{body['id']}")
            growth = (max(peak, after["VmRSS"]) - before["VmRSS"]) / 1024
            worst = max(worst, growth)
            print(f"| {label} | {status} | {seconds:.1f} | {size / seconds / 1e6:.0f} | {before['VmRSS'] / 1024:.1f} | "
                  f"{peak / 1024:.1f} | {growth:.1f} | {before['VmHWM'] / 1024:.1f} → {after['VmHWM'] / 1024:.1f} |",
                  flush=True)
            if status not in (200, 201, 202, 415):
                print(f"\nunexpected answer: {str(body)[:300]}\n")
    print("\nRSS sampled every 10 ms from the first byte sent to the answer read; growth = peak − before. "
          "The server had run one job first, so the model is already loaded.")
    verdict(worst < 64, f"largest RSS growth {worst:.1f} MB (target < 64 MB)")


# ---------------------------------------------------------------- 4. 2,000 SSE clients

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; also the cmsg type


class SseSwarm:
    """N SSE clients on one selector, in this process. Each event's arrival is
    stamped twice: with the kernel's receive time of the bytes (SO_TIMESTAMPNS,
    so this process's own slowness does not count) and with the time select()
    reported the socket readable (what this client saw)."""

    def __init__(self, port, path):
        self.port, self.path = port, path
        self.sel = selectors.DefaultSelector()
        self.conns = []
        self.longest_pass = 0.0
        self.request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                        "Accept: text/event-stream\r\n\r\n").encode()

    class Conn:
        __slots__ = ("sock", "raw", "headers", "chunked", "left", "skip", "text", "times", "seen", "ids",
                     "closed", "terminal", "status", "error", "merged")

        def __init__(self, sock):
            self.sock, self.raw, self.headers, self.chunked = sock, b"", False, False
            self.left, self.skip, self.text = None, 0, b""
            self.times, self.seen, self.ids, self.closed, self.terminal = {}, {}, [], False, False
            self.status, self.error, self.merged = None, None, 0

    def connect(self, n, batch=200, timeout=60):
        for i in range(n):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.connect_ex(("127.0.0.1", self.port))
            conn = self.Conn(sock)
            self.conns.append(conn)
            self.sel.register(sock, selectors.EVENT_WRITE, conn)
            if (i + 1) % batch == 0:  # let the server accept a batch before the next
                self.pump(lambda: False, 0.02)

    def pump(self, until, timeout):
        """Services sockets until until() is true, or timeout seconds."""
        deadline = time.monotonic() + timeout
        while not until():
            left = deadline - time.monotonic()
            if left <= 0 or not self.sel.get_map():
                break
            ready = self.sel.select(min(left, 0.5))
            stamp = time.time()  # CLOCK_REALTIME, like the kernel's stamps
            for key, mask in ready:
                conn = key.data
                if mask & selectors.EVENT_WRITE:
                    err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        self._close(conn, os.strerror(err))
                        continue
                    conn.sock.send(self.request)  # small: fits the empty send buffer
                    self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
                    continue
                try:
                    data, ancillary, _, _ = conn.sock.recvmsg(65536, 64)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as error:
                    self._close(conn, str(error))
                    continue
                if not data:
                    self._close(conn, None if conn.terminal else "closed early")
                    continue
                kernel = stamp
                for level, kind, value in ancillary:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                        sec, nsec = struct.unpack("qq", value[:16])
                        kernel = sec + nsec / 1e9
                self._feed(conn, data, kernel, stamp)
            self.longest_pass = max(self.longest_pass, time.time() - stamp)
        return until()

    def _close(self, conn, error):
        if not conn.closed:
            conn.closed, conn.error = True, error
            self.sel.unregister(conn.sock)
            conn.sock.close()

    def _feed(self, conn, data, stamp, seen):
        conn.raw += data
        if not conn.headers:
            end = conn.raw.find(b"\r\n\r\n")
            if end < 0:
                return
            head, conn.raw = conn.raw[:end].decode("latin-1"), conn.raw[end + 4:]
            conn.headers = True
            conn.status = int(head.split(" ", 2)[1])
            conn.chunked = bool(re.search(r"(?im)^transfer-encoding:\s*chunked", head))
        if conn.chunked:
            raw = conn.raw
            while raw:
                if conn.skip:
                    take = min(conn.skip, len(raw))
                    raw, conn.skip = raw[take:], conn.skip - take
                    continue
                if conn.left is None:
                    end = raw.find(b"\r\n")
                    if end < 0:
                        break
                    size = int(raw[:end].split(b";")[0], 16)
                    raw = raw[end + 2:]
                    if size == 0:
                        raw = b""
                        break
                    conn.left = size
                take = min(conn.left, len(raw))
                conn.text += raw[:take]
                raw, conn.left = raw[take:], conn.left - take
                if conn.left == 0:
                    conn.left, conn.skip = None, 2
            conn.raw = raw
        else:
            conn.text, conn.raw = conn.text + conn.raw, b""
        frames = 0
        while (end := conn.text.find(b"\n\n")) >= 0:
            frame, conn.text = conn.text[:end], conn.text[end + 2:]
            event_id = None
            for line in frame.split(b"\n"):
                if line.startswith(b"id:"):
                    event_id = int(line[3:].strip())
                elif line.startswith(b"data:") and any(f'"state":"{s}"'.encode() in line for s in TERMINAL):
                    conn.terminal = True
            if event_id is not None:
                conn.ids.append(event_id)
                conn.times.setdefault(event_id, stamp)
                conn.seen.setdefault(event_id, seen)
                frames += 1
        if frames > 1:
            conn.merged += 1

    def close(self):
        for conn in self.conns:
            self._close(conn, conn.error)


def section_sse(args, build, work, jfk):
    n = args.sse_clients
    limit = raise_fd_limit(n + 256)
    if limit < n + 64:
        print(f"## 4. SSE clients\n\nskipped: the fd limit is {limit}, too low for {n} clients\n")
        return
    model = make_model(build, "test", 64, work)
    blocker_media = make_long_wav(jfk, 600, work / "long-10min.wav")
    target_media = make_long_wav(jfk, 45, work / "long-45s.wav")
    fields = {"language": "en", "beam_size": "1", "no_fallback": "true"}
    print(f"## 4. {n} SSE clients on one job (one client process, non-blocking sockets; "
          f"job: `test`-shaped random model, 45 s file)\n")
    with Server(build, work, "sse", "--model", model, "--workers", "1", "--threads-per-job", "2") as server:
        # A long job keeps the worker busy while the clients connect to a queued one; deleting it
        # starts the watched job at once.
        # PocketSphinx takes minutes over 10 minutes of audio, where the test model takes seconds.
        status, blocker = submit(server, blocker_media, {"engine": "sphinx"})
        status2, target = submit(server, target_media, fields)
        if status not in (200, 201, 202) or status2 not in (200, 201, 202):
            raise RuntimeError(f"submit: {status} {blocker}; {status2} {target}")
        deadline = time.monotonic() + 60
        while server.get_json(f"/v1/jobs/{blocker['id']}")["state"] != "processing":
            if time.monotonic() > deadline:
                raise RuntimeError("the blocker job did not start")
            time.sleep(0.1)
        time.sleep(1)  # the running job's memory settles
        rss_early = server.rss_kb(5)
        swarm = SseSwarm(server.port, f"/v1/jobs/{target['id']}/events")
        swarm.pump(lambda: False, 2)  # as long as connecting takes, below: the drift without clients
        rss0 = server.rss_kb(5)
        start = time.monotonic()
        swarm.connect(n)
        swarm.pump(lambda: all(c.ids or c.closed for c in swarm.conns), 120)
        connect_s = time.monotonic() - start
        swarm.pump(lambda: False, 2)  # idle
        rss1 = server.rss_kb(5)
        connected = sum(1 for c in swarm.conns if c.status == 200 and not c.closed)
        pass_before = swarm.longest_pass
        swarm.longest_pass = 0.0
        for c in swarm.conns:
            c.merged = 0
        live_from = max((max(c.ids) for c in swarm.conns if c.ids), default=0) + 1
        server.delete(f"/v1/jobs/{blocker['id']}")
        go = time.monotonic()
        swarm.pump(lambda: all(c.closed for c in swarm.conns), args.sse_timeout)
        job_s = time.monotonic() - go
        swarm.close()
        job = server.get_json(f"/v1/jobs/{target['id']}")

    got_ids = [c.ids for c in swarm.conns]
    final = max((max(ids) for ids in got_ids if ids), default=0)
    complete = sum(1 for ids in got_ids if ids == list(range(1, final + 1)))
    merged = sum(c.merged for c in swarm.conns)
    errors = {}
    for c in swarm.conns:
        if c.error:
            errors[c.error] = errors.get(c.error, 0) + 1

    def spread(attr):
        """Each client's time for each live event minus the first client's, in ms."""
        out = []
        for event_id in range(live_from, final + 1):
            stamps = [getattr(c, attr)[event_id] for c in swarm.conns if event_id in getattr(c, attr)]
            if stamps:
                first = min(stamps)
                out += [(s - first) * 1000 for s in stamps]
        return out

    kernel, seen = spread("times"), spread("seen")
    per_client_kb = (rss1 - rss0) / max(connected, 1)
    print("| clients connected | connect + replay s | events per client (live) | clients with every event, "
          "in order, once | job state | delay p50 / p99 / max ms (kernel receive) | "
          "delay p50 / p99 / max ms (seen by the client) |")
    print("|---:|---:|---:|---:|---|---|---|")
    print(f"| {connected} | {connect_s:.2f} | {final} ({final - live_from + 1}) | {complete} | {job['state']} | "
          f"{pct(kernel, 50):.1f} / **{pct(kernel, 99):.1f}** / {max(kernel, default=float('nan')):.1f} | "
          f"{pct(seen, 50):.1f} / {pct(seen, 99):.1f} / {max(seen, default=float('nan')):.1f} |")
    print("\n| RSS 2 s earlier MB | RSS before the clients MB | RSS with the idle clients MB | "
          "RSS per idle client KB |")
    print("|---:|---:|---:|---:|")
    print(f"| {rss_early / 1024:.1f} | {rss0 / 1024:.1f} | {rss1 / 1024:.1f} | **{per_client_kb:.1f}** |")
    if errors:
        print(f"\nconnection errors: {errors}")
    print(f"\nDelay: the events carry no timestamp, so for each live event (ids {live_from}–{final}, published "
          f"after every client had connected) a client's delay is its time for that event minus the earliest "
          f"time of that event among all {n} clients; p50/p99/max over all (client, event) pairs. The first "
          f"receiver's own delay after the publish is not counted (on loopback it is one write). "
          f"*Kernel receive*: the kernel's arrival stamp of the bytes on the client socket (SO_TIMESTAMPNS), "
          f"so it measures the server only; {merged} reads carried more than one event (those take the later "
          f"stamp). *Seen by the client*: when this one-thread Python process's select() reported the socket "
          f"readable; its longest pass over ready sockets was {swarm.longest_pass * 1000:.1f} ms "
          f"({pass_before * 1000:.1f} ms while connecting), included there. The job ran {job_s:.1f} s after "
          f"the blocking job was deleted. RSS per idle client = (RSS with {connected} idle clients − RSS "
          f"before) / clients, medians of 5 samples, while a 10-minute job runs on the one worker (its drift "
          f"without clients is the first two columns).")
    p99 = pct(kernel, 99)
    ok = p99 < 100 and connected == n and complete == n and job["state"] == "completed"
    verdict(ok, f"p99 delay {p99:.1f} ms (target < 100 ms), {complete}/{n} clients got every event once, "
                f"{per_client_kb:.1f} KB of server RSS per idle client")


# ---------------------------------------------------------------- 5. GET /v1/jobs/{id} with wrk

def wrk_ms(text):
    value = float(re.match(r"[\d.]+", text).group())
    unit = text[len(re.match(r"[\d.]+", text).group()):]
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}.get(unit, 1)


def section_rps(args, build, work, jfk):
    print(f"## 5. `GET /v1/jobs/{{id}}` with wrk ({args.rps_connections} connections, {args.rps_threads} "
          f"threads, {args.rps_seconds} s)\n")
    wrk = shutil.which("wrk")
    if not wrk:
        print("skipped: wrk is not installed (Debian package `wrk`)\n")
        return
    model = make_model(build, "test", 64, work)
    with Server(build, work, "rps", "--model", model, "--workers", "1", "--threads-per-job", "1") as server:
        _, job_id = job_through_api(server, jfk, {"language": "en", "beam_size": "1", "no_fallback": "true"})
        url = f"http://127.0.0.1:{server.port}/v1/jobs/{job_id}"
        _, out = run([wrk, f"-t{args.rps_threads}", f"-c{args.rps_connections}", f"-d{args.rps_seconds}s",
                      "--latency", url])
        log_level = "info"
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    dist = dict(re.findall(r"^\s*(50|75|90|99)%\s+(\S+)", out, re.M))
    requests = re.search(r"(\d+) requests in", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sock_err = re.search(r"Socket errors:(.*)", out)
    print("| requests | req/s | latency p50 ms | latency p99 ms | non-2xx | socket errors |")
    print("|---:|---:|---:|---:|---:|---|")
    print(f"| {requests} | {rps:.0f} | {wrk_ms(dist['50']):.2f} | {wrk_ms(dist['99']):.2f} | "
          f"{bad.group(1) if bad else 0} | {sock_err.group(1).strip() if sock_err else 'none'} |")
    print(f"\nwrk and the server share the machine's {os.cpu_count()} cores; the server logs each request "
          f"(default level {log_level}) to a file.")
    verdict(not bad and not sock_err, f"{rps:.0f} req/s, p99 {wrk_ms(dist['99']):.2f} ms (no target set; "
                                      "the verdict is that every answer was 2xx)")


# ---------------------------------------------------------------- main

SECTIONS = (("e2e", section_e2e), ("jobs", section_jobs), ("upload", section_upload),
            ("sse", section_sse), ("rps", section_rps))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build")
    for name, _ in SECTIONS:
        parser.add_argument(f"--{name}", action="store_true", help=f"run the {name} section (default: all)")
    parser.add_argument("--quick", action="store_true", help="e2e: jfk.wav only, no 2-minute file")
    parser.add_argument("--repeat", type=int, default=3, help="e2e: runs per cell; the fastest counts")
    parser.add_argument("--full-context", action="store_true",
                        help="e2e: tiny model with its real 448-token context (slow: random weights decode "
                             "to the limit), not 64")
    parser.add_argument("--jobs-count", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers-list", type=lambda s: [int(w) for w in s.split(",")], default=[1, 2])
    parser.add_argument("--jobs-timeout", type=float, default=600)
    parser.add_argument("--upload-mib", type=int, default=1024)
    parser.add_argument("--sse-clients", type=int, default=2000)
    parser.add_argument("--sse-timeout", type=float, default=300)
    parser.add_argument("--rps-connections", type=int, default=64)
    parser.add_argument("--rps-threads", type=int, default=2)
    parser.add_argument("--rps-seconds", type=int, default=10)
    args = parser.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench-data"
    work.mkdir(exist_ok=True)
    jfk = build / "deps/whisper/share/jfk.wav"
    chosen = [(name, fn) for name, fn in SECTIONS if getattr(args, name)] or list(SECTIONS)
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start.\n")
    failed = 0
    for name, fn in chosen:
        started = time.monotonic()
        try:
            fn(args, build, work, jfk)
        except Exception as error:  # one broken section must not hide the others
            failed += 1
            print(f"\n**{name}: could not be measured:** {error}\n", flush=True)
        print(f"<!-- {name}: {time.monotonic() - started:.0f} s, load average {os.getloadavg()[0]:.1f} -->\n",
              flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
