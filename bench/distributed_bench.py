#!/usr/bin/env python3
"""Benchmark of distributed mode (`serve --workers 0` + `soundscripter worker` on
PostgreSQL, Redis and RabbitMQ); prints Markdown tables.

1. --overhead: what the broker costs per job. The same jobs (jfk.wav, `test`-shaped
   random model with a 64-token context, greedy, no fallback, language en) against
   embedded `serve --workers 1 --threads-per-job 1` and against `serve --workers 0`
   + one `worker --slots 1 --threads 1`: jobs/s for 500 jobs from 10 client threads,
   each job's wait (started_at - created_at, i.e. the whole job minus its run), the
   worker's idle gap between two jobs while the queue is full, and the wait of a job
   sent alone (one at a time). Checked: every job completed exactly once, attempts 1.
2. --scale: N copies of a 10-minute file submitted at once to N = 1, 2, 4 worker
   processes (1 slot, 1 thread, --chunk-length 60 and --split-chunks false each): wall
   time and throughput of many files, one per worker.
2b. --split: ONE 10-minute file on N = 1, 2, 4 worker processes (1 slot, 1 thread,
   --chunk-length 60): the file is cut into chunk jobs that run on every worker at
   once; wall time, speed-up, chunks per worker, run per chunk (from the workers'
   logs), and whether every N gives the same transcript.
3. --events: 1,000 SSE clients spread over two API processes (same database, broker,
   Redis and queue) on one job that waits behind a long one, then runs: each
   client's delay for each live event, against the first client to get it and
   against a raw Redis subscriber on the job's channel (the worker's publish).
   Target: p99 < 100 ms.
4. --recovery: (a) `kill -9` of the worker running a long job -> that job running
   again on the other worker (about 15 s when killed right after a heartbeat that
   lists the job: the redelivered job waits until the dead worker's last heartbeat
   is 15 s old; once more killed 0.2 s after the start, before a heartbeat lists it);
   (b) `scripts/servers/rabbitmq restart` with 2 workers and jobs posted throughout
   -> the first job posted while the broker was down completes.

Without section flags, all run. The script starts its own PostgreSQL, Redis and
RabbitMQ (scripts/servers/*) in a temporary directory and stops them at the end,
also on failure or Ctrl-C; each measurement gets a fresh database and queue name.
Data (models, long files) is cached in build/bench-data/. --quick: 100 jobs,
200 SSE clients, a 2-minute file, one kill of each kind.

Usage: bench/distributed_bench.py [--build build] [--overhead] [--scale] [--events] [--recovery]
                                  [--quick] [--keep] ...
"""
import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench_common import LocalApiClient, make_long_wav, make_model
# The HTTP helpers and the SSE client swarm of the single-server benchmark.
from service_bench import (SO_TIMESTAMPNS, GlobalEvents, SseSwarm, job_through_api, list_all_jobs, pct,
                           raise_fd_limit, submit, transcript_text, verdict)

REPO = Path(__file__).resolve().parent.parent
ACCEPTED = (200, 201, 202)
FAST_FIELDS = {"language": "en", "beam_size": "1", "best_of": "1", "no_fallback": "true"}
# More descriptors than the default 1024 for many SSE clients.
ULIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"'


def yes(flag):
    return "yes" if flag else "**NO**"


def ms(values, p):
    return f"{pct(values, p) * 1000:.1f}"


# ---------------------------------------------------------------- servers and processes

class Backends:
    """PostgreSQL, Redis and RabbitMQ from scripts/servers, each in a directory of `root`."""

    NAMES = ("postgres", "redis", "rabbitmq")

    def __init__(self, root: Path):
        self.root = root
        self.urls = {}
        self.started = []

    def script(self, name):
        return REPO / "scripts" / "servers" / name

    def start(self):
        for name in self.NAMES:
            self.started.append(name)
            out = subprocess.run([str(self.script(name)), "start", str(self.root / name)],
                                 capture_output=True, text=True, timeout=300)
            if out.returncode != 0:
                raise RuntimeError(f"{name} did not start:\n{out.stderr[-2000:]}")
            self.urls[name] = out.stdout.strip().splitlines()[-1]
        return self

    def restart_rabbitmq(self):
        """Runs `rabbitmq restart` (stop, then start on the same port); returns the URL."""
        out = subprocess.run([str(self.script("rabbitmq")), "restart", str(self.root / "rabbitmq")],
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"rabbitmq restart failed:\n{out.stderr[-2000:]}")
        return out.stdout.strip().splitlines()[-1]

    def new_database(self, name):
        url = self.urls["postgres"]
        subprocess.run(["psql", "-q", url, "-c", f'CREATE DATABASE "{name}"'], check=True,
                       capture_output=True, timeout=120)
        return url.rsplit("/", 1)[0] + "/" + name

    def stop(self):
        for name in reversed(self.started):
            try:
                subprocess.run([str(self.script(name)), "stop", str(self.root / name)],
                               capture_output=True, timeout=120)
            except Exception as error:  # go on with the others
                print(f"<!-- stopping {name}: {error} -->", file=sys.stderr)
        self.started = []


LIVE = set()  # every Proc not yet stopped, for the cleanup on the way out


class Proc:
    """`soundscripter serve|worker`, its stderr (the log) in a file; ready when stdout
    prints a line matching `ready`."""

    def __init__(self, argv, log_path: Path, ready, label, timeout=180):
        self.label, self.log_path = label, log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(["bash", "-c", ULIMIT, label, *map(str, argv)],
                                     stdout=subprocess.PIPE, stderr=self.log)
        self.pid = self.proc.pid  # bash exec'd the program: same pid
        LIVE.add(self)
        self.first_line = self._wait_ready(ready, timeout)
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def _wait_ready(self, ready, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        os.set_blocking(fd, False)
        buf = b""
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 4096)
            except BlockingIOError:
                chunk = None
            if chunk:
                buf += chunk
                for line in buf.decode(errors="replace").splitlines():
                    if re.search(ready, line):
                        os.set_blocking(fd, True)
                        return line
            elif chunk == b"" or self.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.label} did not get ready: {buf.decode(errors='replace')[-500:]!r}\n"
                           f"{self.log_text()[-3000:]}")

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def kill9(self):
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()
        LIVE.discard(self)

    def stop(self, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        LIVE.discard(self)


class Api(Proc, LocalApiClient):
    """`soundscripter serve`."""

    def __init__(self, build, data_dir: Path, flags, label="serve"):
        data_dir.mkdir(parents=True, exist_ok=True)
        super().__init__([build / "soundscripter", "serve", "--port", "0", "--data-dir", data_dir,
                          "--shutdown-grace", "5s", *flags],
                         data_dir / "server.log", r"listening on http://", label)
        self.port = int(re.search(r"http://[^:/]+:(\d+)", self.first_line).group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def job(self, job_id):
        return self.get_json(f"/v1/jobs/{job_id}")


class Worker(Proc):
    def __init__(self, build, log_path, flags, label="worker"):
        super().__init__([build / "soundscripter", "worker", "--shutdown-grace", "5s", *flags],
                         log_path, r"^SoundScripter worker", label)
        self.id = self.first_line.split()[2].rstrip(":")


class Cluster:
    """A fresh database and queue name on the shared backends; API processes and workers."""

    def __init__(self, env, name, apis=1, workers=1, model=None, slots=1, threads=1, worker_flags=()):
        self.env, self.name = env, name
        self.dir = env.tmp / f"{name}-{uuid.uuid4().hex[:6]}"
        self.dir.mkdir()
        database = env.backends.new_database(f"bench_{name}_{uuid.uuid4().hex[:8]}")
        self.common = ["--broker-url", env.backends.urls["rabbitmq"], "--redis-url", env.backends.urls["redis"],
                       "--database-url", database, "--queue-name", f"bench.{name}.{uuid.uuid4().hex[:8]}"]
        self.model, self.slots, self.threads, self.worker_flags = model, slots, threads, list(worker_flags)
        self.apis, self.workers, self.dead = [], [], []
        try:
            for i in range(apis):
                self.apis.append(Api(env.build, self.dir / f"api{i + 1}", ["--workers", "0", *self.common],
                                     f"api{i + 1}"))
            for _ in range(workers):
                self.add_worker()
        except BaseException:
            self.close()
            raise

    @property
    def api(self):
        return self.apis[0]

    def add_worker(self):
        n = len(self.workers) + len(self.dead) + 1
        flags = [*self.common, "--api-url", self.api.url, "--slots", self.slots, "--threads", self.threads,
                 "--engine", "whisper", "--model", self.model, *self.worker_flags]
        worker = Worker(self.env.build, self.dir / f"worker{n}.log", flags, f"worker{n}")
        self.workers.append(worker)
        return worker

    def procs(self):
        return [*self.apis, *self.workers, *self.dead]

    def running(self):
        """The processes that should be running (not the ones killed on purpose)."""
        return [*self.apis, *self.workers]

    def close(self):
        for proc in [*self.workers, *self.apis]:
            proc.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        self.env.report_logs(self.procs())


class Embedded:
    """Embedded `serve` (SQLite, in-process queue and events), for the comparison."""

    def __init__(self, env, name, flags):
        self.dir = env.tmp / f"{name}-{uuid.uuid4().hex[:6]}"
        self.env = env
        self.api = Api(env.build, self.dir / "api", flags, name)

    def procs(self):
        return [self.api]

    running = procs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.api.stop()
        self.env.report_logs([self.api])


class Env:
    def __init__(self, args, build, work, tmp, backends):
        self.args, self.build, self.work, self.tmp, self.backends = args, build, work, tmp, backends
        self.jfk = build / "deps/whisper/share/jfk.wav"
        self.log_counts, self.log_examples = {}, {}

    def report_logs(self, procs):
        """Collects the warn/error lines of the processes' logs, grouped (ids and numbers masked),
        for print_logs after the section's table."""
        for proc in procs:
            for line in proc.log_text().splitlines():
                try:
                    entry = json.loads(line)
                    level, msg = entry.get("level", "?"), entry.get("msg", line)
                except ValueError:
                    level, msg = ("error" if re.search(r"(?i)error|fatal|abort", line) else None), line
                if level not in ("warn", "warning", "error", "critical"):
                    continue
                key = (proc.label.rstrip("0123456789"), level,
                       re.sub(r"\d+(\.\d+)?", "#", re.sub(r"[0-9a-f]{32}", "<job>", msg))[:200])
                self.log_counts[key] = self.log_counts.get(key, 0) + 1
                self.log_examples.setdefault(key, f"{proc.label}: {msg[:300]}")

    def print_logs(self):
        counts, self.log_counts, examples, self.log_examples = self.log_counts, {}, self.log_examples, {}
        if not counts:
            print("\nService logs (API and workers): no warn or error lines.\n", flush=True)
            return
        print("\nService logs (API and workers), warn/error lines, grouped with ids and numbers masked:\n")
        print("| process | level | count | message (first seen) |")
        print("|---|---|---:|---|")
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"| {key[0]} | {key[1]} | {count} | {examples[key].replace('|', '/')} |")
        print(flush=True)


def submit_ok(api, media, fields, data=None):
    status, body = submit(api, media, fields, data=data)
    if status not in ACCEPTED or not isinstance(body, dict):
        raise RuntimeError(f"POST /v1/jobs: {status} {str(body)[:300]}")
    return body["id"]


def submit_many(api, media, fields, n, clients, data=None):
    """n jobs from `clients` threads at once; returns (ids, errors, first submit monotonic, all accepted)."""
    ids, errors, lock = [], [], threading.Lock()
    per_client = [n // clients + (1 if i < n % clients else 0) for i in range(clients)]

    def client(count):
        barrier.wait()
        for _ in range(count):
            try:
                status, body = submit(api, media, fields, data=data)
            except OSError as error:
                status, body = None, str(error)
            with lock:
                if status in ACCEPTED and isinstance(body, dict):
                    ids.append(body["id"])
                else:
                    errors.append(f"{status} {str(body)[:200]}")

    threads = [threading.Thread(target=client, args=(c,)) for c in per_client if c]
    barrier = threading.Barrier(len(threads) + 1)
    for t in threads:
        t.start()
    barrier.wait()
    start = time.monotonic()
    for t in threads:
        t.join()
    return ids, errors, start, time.monotonic()


def log_time(line):
    """The time.time() of a JSON log line's "ts" (ISO 8601, UTC), or None."""
    match = re.search(r'"ts":"([^"]+)"', line)
    if not match:
        return None
    return datetime.datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()


def wait_done(listener, count, timeout, procs):
    """listener.wait_for(count), giving up early when an API or worker process exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listener.wait_for(count, timeout=min(2, deadline - time.monotonic()))
        if sum(listener.terminal.values()) >= count:
            return
        gone = [p.label for p in procs if not p.alive()]
        if gone:
            raise RuntimeError(f"{', '.join(gone)} exited; {sum(listener.terminal.values())}/{count} jobs done")


def jobs_by_id(api, ids):
    jobs, _ = list_all_jobs(api)
    listed = {j["id"]: j for j in jobs}
    return {i: listed.get(i) or api.job(i) for i in ids}


# ---------------------------------------------------------------- 1. broker overhead

def section_overhead(env):
    args = env.args
    n = args.jobs or (100 if args.quick else 500)
    seq_n = 20 if args.quick else 50
    clients = args.clients
    model = make_model(env.build, "test", 64, env.work)
    data = env.jfk.read_bytes()
    print(f"## 1. Broker overhead: {n} jobs from {clients} client threads, embedded vs distributed "
          f"(jfk.wav, `test`-shaped random model, 64-token context, 1 job at a time, 1 thread)\n", flush=True)
    rows, checks = [], []
    setups = (
        ("embedded `serve --workers 1 --threads-per-job 1`",
         lambda: Embedded(env, "embedded", ["--workers", "1", "--threads-per-job", "1", "--engine", "whisper",
                                            "--model", model])),
        ("distributed: `serve --workers 0` + 1 `worker --slots 1 --threads 1`",
         lambda: Cluster(env, "overhead", workers=1, model=model)),
    )
    for label, make in setups:
        with make() as setup:
            api = setup.api
            job_through_api(api, env.jfk, FAST_FIELDS)  # loads the model
            # One job at a time: the wait of a job that finds the worker idle.
            alone = []
            for _ in range(seq_n):
                _, job_id = job_through_api(api, env.jfk, FAST_FIELDS)
                job = api.job(job_id)
                alone.append(job["started_at"] - job["created_at"])
            listener = GlobalEvents(api)
            listener.start()
            ids, errors, start, accepted = submit_many(api, env.jfk, FAST_FIELDS, n, clients, data=data)
            wait_done(listener, len(ids), args.jobs_timeout, setup.running())
            done_at = listener.last_done or time.monotonic()
            listener.close()
            jobs = jobs_by_id(api, ids)
        waits = [j["started_at"] - j["created_at"] for j in jobs.values() if j.get("started_at")]
        runs = [j["finished_at"] - j["started_at"] for j in jobs.values() if j.get("finished_at")]
        ordered = sorted((j for j in jobs.values() if j.get("started_at") and j.get("finished_at")),
                         key=lambda j: j["started_at"])
        # The worker's idle time between one job's end and the next one's start, while the next was queued.
        gaps = [b["started_at"] - a["finished_at"] for a, b in zip(ordered, ordered[1:])
                if b["created_at"] < a["finished_at"]]
        completed = sum(1 for j in jobs.values() if j["state"] == "completed")
        once = (len(ids) == n and completed == n and set(listener.completed) == set(ids)
                and all(v == 1 for v in listener.completed.values()))
        attempts1 = all(j.get("attempts") == 1 for j in jobs.values())
        elapsed = done_at - start
        checks.append(once and attempts1 and not errors)
        rows.append(f"| {label} | {accepted - start:.1f} | {elapsed:.1f} | **{len(listener.completed) / elapsed:.2f}** "
                    f"| {ms(runs, 50)} | {pct(waits, 50):.2f} / {pct(waits, 99):.2f} | "
                    f"{ms(gaps, 50)} / **{ms(gaps, 99)}** | {ms(alone, 50)} / **{ms(alone, 99)}** | "
                    f"{completed}/{n} | {yes(once)} | {yes(attempts1)} | {len(errors)} |")
        if errors:
            rows.append(f"| first failed submit: {errors[0][:200].replace('|', '/')} |")
        print(f"<!-- {label}: done -->", flush=True)
    print("| setup | all accepted s | all done s | jobs/s | run p50 ms | wait p50 / p99 s (loaded) | "
          "worker gap p50 / p99 ms | wait alone p50 / p99 ms | completed | exactly once | attempts = 1 | "
          "failed submits |")
    print("|---|---:|---:|---:|---:|---|---|---|---:|---|---|---:|")
    for row in rows:
        print(row)
    print(f"\nMethod: {clients} threads post {n} jobs at once (multipart built by hand, jfk.wav in memory); "
          f"jobs/s = completed / (first submit → last `completed` event on GET /v1/events). Per job, from "
          f"GET /v1/jobs/{{id}}: *wait* = (finished_at − created_at) − (finished_at − started_at) = started_at − "
          f"created_at, the queue + handoff time; *loaded*, it is mostly the queue in front of the one slot. "
          f"*Worker gap*: started_at of the next job − finished_at of the previous one, counted while the next "
          f"was already queued: the per-job handoff cost at full load. *Wait alone*: {seq_n} jobs sent one at "
          f"a time (next after the previous `completed`), the worker idle. *Run*: finished_at − started_at. "
          f"Exactly once: one `completed` event per job on GET /v1/events and state completed. Embedded uses "
          f"SQLite and in-process queue/events; distributed uses PostgreSQL, RabbitMQ, Redis, and the worker "
          f"fetches the media from the API over HTTP. {os.cpu_count()} cores shared by everything.")
    verdict(all(checks), "every job completed exactly once with one attempt, in both setups")


# ---------------------------------------------------------------- 2. scale with worker processes

def section_scale(env):
    args = env.args
    seconds = 120 if args.quick else 600
    media = make_long_wav(env.jfk, seconds, env.work / f"long-{seconds}s.wav")
    model = make_model(env.build, args.scale_model, 64, env.work)
    counts = args.workers_list
    print(f"## 2. Scale: N copies of a {seconds // 60}-minute file at once on N worker processes "
          f"(1 slot, 1 thread, --chunk-length 60 each; `{args.scale_model}`-shaped random model, "
          f"64-token context)\n", flush=True)
    print("| workers | copies | audio min | all accepted s | wall s | × real time | throughput vs 1 worker | "
          "run per job s (mean) | workers used | completed once |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    base, ok = None, True
    for w in counts:
        with Cluster(env, f"scale{w}", workers=w, model=model,
                     worker_flags=["--chunk-length", "60", "--split-chunks", "false"]) as c:
            listener = GlobalEvents(c.api)
            listener.start()
            ids, errors, start, accepted = submit_many(c.api, media, FAST_FIELDS, w, w)
            wait_done(listener, len(ids), args.jobs_timeout, c.running())
            done_at = listener.last_done or time.monotonic()
            listener.close()
            jobs = jobs_by_id(c.api, ids)
            used = set()
            for worker in c.workers:
                text = worker.log_text()
                if any(i in text for i in ids):
                    used.add(worker.label)
        wall = done_at - start
        audio_min = w * seconds / 60
        rate = w * seconds / wall
        base = base or rate
        runs = [j["finished_at"] - j["started_at"] for j in jobs.values() if j.get("finished_at")]
        once = (len(ids) == w and all(j["state"] == "completed" and j["attempts"] == 1 for j in jobs.values())
                and all(listener.completed.get(i) == 1 for i in ids))
        ok &= once and not errors
        print(f"| {w} | {w} | {audio_min:.0f} | {accepted - start:.1f} | {wall:.1f} | {rate:.1f} | "
              f"**{rate / base:.2f}×** | {sum(runs) / max(len(runs), 1):.1f} | {len(used)} | {yes(once)} |",
              flush=True)
        if errors:
            print(f"\nfailed submits: {errors[:2]}\n")
    print(f"\nMethod: for N workers, N copies of the file are uploaded at once (N threads) and wall = first "
          f"submit → last `completed` event; × real time = audio seconds / wall seconds. Each job runs whole "
          f"on one worker (--split-chunks false), so this is throughput over many files; section 2b splits "
          f"one file. **This machine has "
          f"{os.cpu_count()} cores (nproc)**, shared by the workers, the API, PostgreSQL, RabbitMQ, Redis and "
          f"this script: more than {os.cpu_count()} one-thread workers cannot run faster here. Each worker "
          f"loads the model when it starts, before the timing (its first job's setup, a few tenths of a "
          f"second, is included).")
    verdict(ok, "every copy completed once, with one attempt")


# ---------------------------------------------------------------- 2b. one file split across workers

def chunk_runs(log_text):
    """(index, seconds) of each chunk run a worker's log shows, from its started/completed lines."""
    started, runs = {}, []
    for line in log_text.splitlines():
        match = re.search(r'"msg":"chunk (\d+) of \d+ (started|completed)', line)
        if not match:
            continue
        at = log_time(line)
        if match.group(2) == "started":
            started[match.group(1)] = at
        elif match.group(1) in started:
            runs.append((int(match.group(1)), at - started.pop(match.group(1))))
    return runs


def section_split(env):
    args = env.args
    seconds = 120 if args.quick else 600
    media = make_long_wav(env.jfk, seconds, env.work / f"long-{seconds}s.wav")
    model = make_model(env.build, args.scale_model, 64, env.work)
    print(f"## 2b. One {seconds // 60}-minute file split across N worker processes (1 slot, 1 thread, "
          f"--chunk-length 60 each; `{args.scale_model}`-shaped random model, 64-token context)\n", flush=True)
    print("| workers | wall s | × real time | speed-up vs 1 | chunks | chunks per worker | run per chunk s "
          "(mean / max) | same transcript as 1 worker |")
    print("|---:|---:|---:|---:|---:|---|---|---|")
    base, first_text, ok = None, None, True
    for w in args.workers_list:
        with Cluster(env, f"split{w}", workers=w, model=model, worker_flags=["--chunk-length", "60"]) as c:
            listener = GlobalEvents(c.api)
            listener.start()
            start = time.monotonic()
            job_id = submit_ok(c.api, media, FAST_FIELDS)
            wait_done(listener, 1, args.jobs_timeout, c.running())
            wall = (listener.last_done or time.monotonic()) - start
            listener.close()
            job = c.api.job(job_id)
            text = transcript_text(c.api, job_id)
            per_worker = [chunk_runs(worker.log_text()) for worker in c.workers]
        runs = [seconds_run for worker_runs in per_worker for _, seconds_run in worker_runs]
        first_text = first_text if first_text is not None else text
        same = bool(text) and text == first_text
        ok &= job["state"] == "completed" and same
        base = base or wall
        print(f"| {w} | {wall:.1f} | {seconds / wall:.1f} | **{base / wall:.2f}×** | {len(runs)} | "
              f"{' / '.join(str(len(r)) for r in per_worker)} | {sum(runs) / max(len(runs), 1):.1f} / "
              f"{max(runs, default=0):.1f} | {yes(same)} |", flush=True)
    print(f"\nMethod: one upload; wall = submit → the job's `completed` event; a chunk's run = its worker's "
          f"`chunk i of n started` → `completed` log lines (it includes decoding the file up to the chunk, "
          f"which a chunk does to get exactly the samples one run sees). **This machine has {os.cpu_count()} "
          f"cores (nproc)**, shared by the workers, the API, PostgreSQL, RabbitMQ, Redis and this script.")
    verdict(ok, "the job completed, with the same transcript for every N")


# ---------------------------------------------------------------- 3. events over two API processes

class RedisTap(threading.Thread):
    """A raw Redis subscriber on one job's channel: the kernel's arrival time of each
    event (by seq) on this socket stands for the moment the worker published it."""

    def __init__(self, url, channel):
        super().__init__(daemon=True)
        host, port = re.match(r"redis://([^:/]+):(\d+)", url).groups()
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.sendall(f"SUBSCRIBE {channel}\r\n".encode())
        self.times = {}
        self.types = {}
        self.buf = b""
        self.subscribed = threading.Event()
        self.stopped = False

    def run(self):
        self.sock.settimeout(0.5)
        while not self.stopped:
            try:
                data, ancillary, _, _ = self.sock.recvmsg(65536, 64)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            stamp = time.time()
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                    sec, nsec = struct.unpack("qq", value[:16])
                    stamp = sec + nsec / 1e9
            self.buf += data
            if b"subscribe" in self.buf[:64]:
                self.subscribed.set()
            # Keys are sorted: "type" comes after "seq" (a segment's text comes before both).
            for match in re.finditer(rb'(?<!\\)"seq":(\d+),.*?"type":"(\w+)"', self.buf):
                self.times.setdefault(int(match.group(1)), stamp)
                self.types[int(match.group(1))] = match.group(2).decode()
            self.buf = self.buf[-512:]  # an event split across two reads is found on the next one

    def close(self):
        self.stopped = True
        self.sock.close()


def section_events(env):
    args = env.args
    n = args.sse_clients or (200 if args.quick else 1000)
    limit = raise_fd_limit(n + 512)
    if limit < n + 64:
        print(f"## 3. SSE over two API processes\n\nskipped: the fd limit is {limit}, too low for {n} clients\n")
        return
    model = make_model(env.build, "test", 64, env.work)
    blocker_media = make_long_wav(env.jfk, 120 if args.quick else 600,
                                  env.work / f"long-{120 if args.quick else 600}s.wav")
    target_media = make_long_wav(env.jfk, 45, env.work / "long-45s.wav")
    print(f"## 3. {n} SSE clients over two API processes on one job (one worker; `test`-shaped model, "
          f"45 s file)\n", flush=True)
    with Cluster(env, "events", apis=2, workers=1, model=model) as c:
        a, b = c.apis
        # PocketSphinx takes minutes over a long file: it holds the one slot while the clients connect.
        blocker = submit_ok(a, blocker_media, {"engine": "sphinx"})
        target = submit_ok(a, target_media, FAST_FIELDS)
        deadline = time.monotonic() + 120
        while a.job(blocker)["state"] != "processing":
            if time.monotonic() > deadline:
                raise RuntimeError("the blocker job did not start")
            time.sleep(0.1)
        tap = RedisTap(env.backends.urls["redis"], f"soundscripter:jobs:{target}")
        tap.start()
        tap.subscribed.wait(5)
        swarm = SseSwarm(a.port, f"/v1/jobs/{target}/events")
        half = n // 2
        start = time.monotonic()
        swarm.connect(half)
        swarm.port = b.port
        swarm.connect(n - half)
        groups = {"API 1": swarm.conns[:half], "API 2": swarm.conns[half:]}
        swarm.pump(lambda: all(conn.ids or conn.closed for conn in swarm.conns), 120)
        connect_s = time.monotonic() - start
        swarm.pump(lambda: False, 1)  # idle
        connected = {k: sum(1 for x in v if x.status == 200 and not x.closed) for k, v in groups.items()}
        live_from = max((max(x.ids) for x in swarm.conns if x.ids), default=0) + 1
        swarm.longest_pass = 0.0
        a.delete(f"/v1/jobs/{blocker}")
        go = time.monotonic()
        swarm.pump(lambda: all(x.closed for x in swarm.conns), args.sse_timeout)
        job_s = time.monotonic() - go
        swarm.close()
        time.sleep(0.2)
        tap.close()
        job = a.job(target)
        try:
            blocker_state = a.job(blocker)["state"]
        except RuntimeError:  # DELETE removes the job (the worker stops it within a second)
            blocker_state = "deleted"

    final = max((max(x.ids) for x in swarm.conns if x.ids), default=0)
    first = {}
    for event_id in range(live_from, final + 1):
        stamps = [x.times[event_id] for x in swarm.conns if event_id in x.times]
        if stamps:
            first[event_id] = min(stamps)

    def delays(conns, origin):
        out = []
        for x in conns:
            for event_id in range(live_from, final + 1):
                if event_id in x.times and event_id in origin:
                    out.append((x.times[event_id] - origin[event_id]) * 1000)
        return out

    print("| clients | connected | every event once, in order | delay vs first client p50 / p99 / max ms | "
          "delay vs Redis publish p50 / p99 / max ms |")
    print("|---|---:|---:|---|---|")
    worst = 0.0
    for name, conns in [*groups.items(), ("all", swarm.conns)]:
        complete = sum(1 for x in conns if x.ids == list(range(1, final + 1)))
        rel, pub = delays(conns, first), delays(conns, tap.times)
        if name == "all":
            worst = pct(rel, 99)
            all_complete = complete
        conn_count = sum(connected.values()) if name == "all" else connected[name]
        print(f"| {name} | {conn_count}/{len(conns)} | {complete} | {pct(rel, 50):.1f} / **{pct(rel, 99):.1f}** / "
              f"{max(rel, default=float('nan')):.1f} | {pct(pub, 50):.1f} / {pct(pub, 99):.1f} / "
              f"{max(pub, default=float('nan')):.1f} |")
    per_event = []
    for event_id in range(live_from, final + 1):
        rel = delays(swarm.conns, {event_id: first[event_id]} if event_id in first else {})
        if rel:
            per_event.append(f"{event_id} {tap.types.get(event_id, '?')} {pct(rel, 50):.0f}/{pct(rel, 99):.0f}")
    if first:
        span = (max(first.values()) - min(first.values())) * 1000
        print(f"\nPer live event, id, type, and delay vs first client p50/p99 ms (the {len(first)} events reached "
              f"the first client within {span:.0f} ms): {'; '.join(per_event)}.")
    merged = sum(x.merged for x in swarm.conns)
    missing_tap = [i for i in range(live_from, final + 1) if i not in tap.times]
    print(f"\nMethod: {n // 2} clients on each of two `serve --workers 0` processes (same database, queue and "
          f"Redis; one `worker --slots 1`), all in one Python process with non-blocking sockets, follow a job "
          f"queued behind a long PocketSphinx job; once all have connected ({connect_s:.1f} s, replay "
          f"included), the long job is deleted and the watched one runs ({job_s:.1f} s to the last client's "
          f"end; job {job['state']}, blocker {blocker_state}). Live events: ids {live_from}–{final}. Each "
          f"arrival is the kernel's receive stamp (SO_TIMESTAMPNS) on the client socket, so this script's own "
          f"speed does not count. *vs first client*: its stamp − the earliest stamp of that event among all "
          f"{n} clients (both APIs). *vs Redis publish*: its stamp − the stamp of the same event (by seq) on a "
          f"raw Redis SUBSCRIBE socket of this script, i.e. from the worker's publish through an API process "
          f"to the client{f' (events missing on the Redis socket: {missing_tap})' if missing_tap else ''}. "
          f"p50/p99/max over all (client, event) pairs; {merged} reads carried more than one event (they take "
          f"the later stamp). {os.cpu_count()} cores shared by the two APIs, the worker and the clients.")
    ok = worst < 100 and all_complete == n and job["state"] == "completed"
    verdict(ok, f"p99 delay vs first client {worst:.1f} ms (target < 100 ms); {all_complete}/{n} clients got "
                f"every event once, in order")


# ---------------------------------------------------------------- 4. recovery

class StateFollower(threading.Thread):
    """Follows a job's SSE stream; records (time.time(), state) for each state event."""

    def __init__(self, api, job_id):
        super().__init__(daemon=True)
        self.conn = api.conn(3600)
        self.conn.request("GET", f"/v1/jobs/{job_id}/events", headers={"Accept": "text/event-stream"})
        self.sock = self.conn.sock  # the response takes it over
        self.resp = self.conn.getresponse()
        self.states = []

    def run(self):
        event = None
        try:
            while raw := self.resp.readline():
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "state":
                    self.states.append((time.time(), json.loads(line[5:]).get("state")))
        except (OSError, ValueError):
            pass

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.join(5)
        self.conn.close()


def holder_of(cluster, job_id, timeout=120):
    """The worker whose log says it started job_id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in cluster.workers:
            for line in worker.log_text().splitlines():
                if job_id in line and "job started" in line:
                    return worker
        time.sleep(0.02)
    raise RuntimeError(f"no worker started job {job_id}")


def listed_by(api, job_id):
    """The id of the worker whose heartbeat (GET /v1/workers) lists job_id, or None."""
    for worker in api.get_json("/v1/workers")["workers"]:
        if job_id in worker.get("jobs", []):
            return worker["id"]
    return None


def recovery_kill(env):
    args = env.args
    repeats = 1 if args.quick else args.kill_repeat
    seconds = 120 if args.quick else 600
    media = make_long_wav(env.jfk, seconds, env.work / f"long-{seconds}s.wav")
    model = make_model(env.build, "test", 64, env.work)
    print(f"### 4a. `kill -9` of the worker running a long job (2 workers, 1 slot each; the job: PocketSphinx "
          f"on a {seconds // 60}-minute file)\n", flush=True)
    rows = []
    # "listed": killed once its heartbeat lists the job (the case the 15 s wait is for);
    # "early": killed 0.2 s after the job started, most likely before a heartbeat lists it.
    modes = ["listed"] * repeats + ["early"]
    with Cluster(env, "kill", workers=2, model=model) as c:
        for attempt, mode in enumerate(modes):
            job_id = submit_ok(c.api, media, {"engine": "sphinx"})
            follower = StateFollower(c.api, job_id)
            follower.start()
            holder = holder_of(c, job_id)
            started_at = time.monotonic()
            if mode == "early":
                time.sleep(0.2)
                listed = listed_by(c.api, job_id)
            else:
                deadline = time.monotonic() + 30
                while (listed := listed_by(c.api, job_id)) is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                if listed != holder.id:
                    raise RuntimeError(f"the worker list shows {job_id} on {listed}, its log on {holder.id}")
            since_start = time.monotonic() - started_at
            other = [w for w in c.workers if w is not holder]
            killed_at = time.time()
            holder.kill9()
            c.workers.remove(holder)
            c.dead.append(holder)
            seen_at, job = None, None
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                job = c.api.job(job_id)
                if job["attempts"] >= 2 and job["state"] == "processing":
                    seen_at = time.time()
                    break
                if job["state"] in ("completed", "failed", "cancelled"):
                    break
                time.sleep(0.05)
            started2 = job.get("started_at") if seen_at else None
            time.sleep(0.5)
            second_processing = [t for t, s in follower.states if s == "processing" and t > killed_at]
            runner = [w.label for w in other if f"{job_id}" in w.log_text()]
            c.api.delete(f"/v1/jobs/{job_id}")
            time.sleep(0.5)
            follower.close()
            states = " → ".join(s for _, s in follower.states)
            what = ("0.2 s after its start; worker list: " + ("lists it" if listed else "not yet")
                    if mode == "early" else f"once the worker list shows it ({since_start:.1f} s after its start)")
            rows.append(f"| {attempt + 1} | {holder.label}, {what} | "
                        f"{f'**{seen_at - killed_at:.1f}**' if seen_at else '**never**'} | "
                        f"{f'{started2 - killed_at:.1f}' if started2 else '—'} | "
                        f"{f'{second_processing[0] - killed_at:.1f}' if second_processing else 'none'} | "
                        f"{job['attempts']} | {', '.join(runner) or '—'} | {states} |")
            print(f"<!-- kill {attempt + 1}: done -->", flush=True)
            if attempt + 1 < len(modes):
                c.add_worker()  # two workers again
                time.sleep(1)
    print("| # | killed | kill → job processing again (polled) s | kill → its second started_at s | "
          "kill → a later `processing` event s | attempts | run again by | state events on its SSE stream |")
    print("|---:|---|---:|---:|---:|---:|---|---|")
    for row in rows:
        print(row)
    print("\nMethod: the holder is the worker whose log says `job started` for the job; it gets SIGKILL "
          "either once GET /v1/workers lists the job under it (its heartbeat, every 3 s, carries it), or 0.2 s "
          "after the start (the last row). Then GET /v1/jobs/{id} every 50 ms until attempts = 2 and state processing; "
          "started_at is the server's stamp of that second run (same clock); the job's SSE stream is "
          "followed throughout. RabbitMQ redelivers at once (the connection dies with the process); the "
          "other worker may take the job only when no live worker's heartbeat lists it, i.e. once the dead "
          "worker's last heartbeat is 15 s old. Killed right after the heartbeat that lists the job, that is "
          "≈ 15 s; killed at a random moment, 12–15 s (plus the redelivery's retry delay). Killed before any "
          "heartbeat lists the job (last row), nothing holds the redelivery back. The job is deleted once it "
          "runs again.")


class AmqpProbe(threading.Thread):
    """Asks the broker every 0.1 s whether AMQP answers (a protocol header gets
    connection.start, as scripts/servers/rabbitmq checks); records when it stops and
    starts answering."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.addr = re.match(r"amqp://(?:[^@]*@)?([^:/]+):(\d+)", url).groups()
        self.changes = []  # (time.time(), answering)
        self.stopped = False

    def answers(self):
        try:
            with socket.create_connection((self.addr[0], int(self.addr[1])), timeout=0.5) as sock:
                sock.settimeout(0.5)
                sock.sendall(b"AMQP\x00\x00\x09\x01")
                return sock.recv(1) == b"\x01"
        except OSError:
            return False

    def run(self):
        last = None
        while not self.stopped:
            now = self.answers()
            if now != last:
                self.changes.append((time.time(), now))
                last = now
            time.sleep(0.1)

    def first(self, answering, after):
        return next((t for t, a in self.changes if a == answering and t >= after), None)


def recovery_restart(env):
    args = env.args
    model = make_model(env.build, "test", 64, env.work)
    data = env.jfk.read_bytes()
    print("\n### 4b. `scripts/servers/rabbitmq restart` with 2 workers, jfk.wav jobs posted one after another "
          f"({args.restart_interval} s apart) throughout\n", flush=True)
    with Cluster(env, "restart", workers=2, model=model) as c:
        listener = GlobalEvents(c.api)
        listener.start()
        for _ in range(4):
            job_through_api(c.api, env.jfk, FAST_FIELDS)  # both workers have loaded the model
        probe = AmqpProbe(env.backends.urls["rabbitmq"])
        probe.start()
        submitted, errors = [], []
        state = {"stop": False}

        def submitter():
            while not state["stop"]:
                t = time.time()
                try:
                    status, body = submit(c.api, env.jfk, FAST_FIELDS, data=data)
                    if status in ACCEPTED and isinstance(body, dict):
                        submitted.append((t, body["id"], time.time() - t))
                    else:
                        errors.append((t, f"{status} {str(body)[:200]}"))
                except OSError as error:
                    errors.append((t, str(error)))
                time.sleep(args.restart_interval)

        thread = threading.Thread(target=submitter, daemon=True)
        thread.start()
        time.sleep(3)
        restart_at = time.time()
        env.backends.restart_rabbitmq()
        up_at = time.time()
        down_at = probe.first(False, restart_at) or restart_at

        def flowing():
            return any(listener.completed.get(i) for t, i, _ in submitted if t >= down_at)

        deadline = time.monotonic() + args.restart_timeout
        while not flowing() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)
        state["stop"] = True
        thread.join()
        probe.stopped = True
        ids = [i for _, i, _ in submitted]
        wait_done(listener, len(ids) + 4, args.restart_timeout, c.running())
        listener.close()
        jobs = jobs_by_id(c.api, ids)
        workers_alive = sum(1 for w in c.workers if w.alive())
    back_at = probe.first(True, down_at) or up_at
    # When each worker's consumer was back, from its log ("consuming from QUEUE again").
    reconnects = []
    for worker in c.workers:
        stamps = [log_time(line) for line in worker.log_text().splitlines() if "consuming from" in line
                  and " again" in line]
        stamps = [t for t in stamps if t and t >= down_at]
        reconnects.append(f"{min(stamps) - back_at:.1f}" if stamps else "never")

    def first_finish(after):
        done = [jobs[i]["finished_at"] for t, i, _ in submitted if t >= after and jobs[i].get("finished_at")]
        return min(done) if done else None

    first_literal, first_down = first_finish(restart_at), first_finish(down_at)
    finishes = sorted(j["finished_at"] for j in jobs.values() if j.get("finished_at"))
    gap = max((b - a for a, b in zip(finishes, finishes[1:])), default=float("nan"))
    completed = sum(1 for j in jobs.values() if j["state"] == "completed")
    once = all(listener.completed.get(i) == 1 for i in ids) and completed == len(ids)
    attempts = {}
    for j in jobs.values():
        attempts[j["attempts"]] = attempts.get(j["attempts"], 0) + 1
    during = sum(1 for t, _, _ in submitted if down_at <= t <= back_at)
    slow_submit = max((lat for t, _, lat in submitted if down_at <= t <= back_at), default=0)
    fmt = lambda t, origin: f"{t - origin:.1f}" if t else "never"
    print("| restart script s | broker not answering s | restart start → first completion of a job posted "
          "after it began s | … of a job posted while the broker was down s | broker answering again → that "
          "completion s | broker back → each worker consuming again s | longest time without a completion s | jobs (posted while down) | longest POST while "
          "down s | completed | exactly once | attempts: jobs | failed posts | workers alive |")
    print("|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---|---|---:|---:|")
    print(f"| {up_at - restart_at:.1f} | {back_at - down_at:.1f} | {fmt(first_literal, restart_at)} | "
          f"**{fmt(first_down, restart_at)}** | {fmt(first_down, back_at)} | {', '.join(reconnects)} | **{gap:.1f}** | {len(ids)} ({during}) "
          f"| {slow_submit:.2f} | {completed}/{len(ids)} | {yes(once)} | "
          f"{', '.join(f'{k}: {v}' for k, v in sorted(attempts.items()))} | {len(errors)} | {workers_alive}/2 |")
    if errors:
        print(f"\nfirst failed post: {errors[0][1]}")
    print("\nMethod: `rabbitmq restart` (SIGTERM, wait for the node to stop, start it on the same port, wait "
          "until AMQP answers) runs while a client thread posts one jfk.wav job after another. A probe sends "
          "the AMQP protocol header every 0.1 s: *not answering* is from its first failure to its first "
          "success. RabbitMQ takes a moment to stop, so a job posted just after the restart began may still "
          "go through before the broker goes (the literal column); the headline is the first finished_at "
          "among jobs posted once the broker no longer answered (those wait in the store's outbox). Workers "
          "reconnect with a backoff of up to 5 s (their log's `consuming from … again`), and the outbox is "
          "drained every 2 s. Longest "
          "time without a completion: the largest gap between consecutive finished_at of all these jobs. "
          "Exactly once: one `completed` event per job on GET /v1/events (Redis, unaffected by the restart).")
    verdict(first_down is not None and once and not errors,
            f"jobs flowed again {first_down - restart_at:.1f} s after the restart began "
            f"({first_down - back_at:.1f} s after the broker answered again); every job completed exactly once"
            if first_down else "no job posted while the broker was down completed")


def section_recovery(env):
    print("## 4. Recovery\n")
    failed = None
    for part in (recovery_kill, recovery_restart):
        try:
            part(env)
        except Exception as error:  # the other part can still be measured
            failed = error
            print(f"\n**{part.__name__}: could not be measured:** {error}\n", flush=True)
    if failed:
        raise failed


# ---------------------------------------------------------------- main

SECTIONS = (("overhead", section_overhead), ("scale", section_scale), ("split", section_split),
            ("events", section_events),
            ("recovery", section_recovery))


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build")
    for name, _ in SECTIONS:
        parser.add_argument(f"--{name}", action="store_true", help=f"run the {name} section (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="100 jobs, 200 SSE clients, a 2-minute file, one kill")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    parser.add_argument("--jobs", type=int, default=0, help="overhead: jobs (default 500, quick 100)")
    parser.add_argument("--clients", type=int, default=10, help="overhead: client threads")
    parser.add_argument("--jobs-timeout", type=float, default=900)
    parser.add_argument("--workers-list", type=lambda s: [int(w) for w in s.split(",")], default=[1, 2, 4])
    parser.add_argument("--scale-model", default="tiny", choices=["test", "tiny", "base"],
                        help="scale: model shape (64-token context)")
    parser.add_argument("--sse-clients", type=int, default=0, help="events: clients (default 1000, quick 200)")
    parser.add_argument("--sse-timeout", type=float, default=300)
    parser.add_argument("--kill-repeat", type=int, default=2, help="recovery: kills (quick: 1)")
    parser.add_argument("--restart-interval", type=float, default=0.25)
    parser.add_argument("--restart-timeout", type=float, default=240)
    args = parser.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench-data"
    work.mkdir(exist_ok=True)
    chosen = [(name, fn) for name, fn in SECTIONS if getattr(args, name)] or list(SECTIONS)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="ss-distbench-"))
    tmp.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
    backends = Backends(tmp)
    failed = 0
    total = time.monotonic()
    try:
        print(f"Machine: {os.cpu_count()} cores (nproc), load average {os.getloadavg()[0]:.1f} at start.\n",
              flush=True)
        started = time.monotonic()
        backends.start()
        print(f"<!-- PostgreSQL, Redis, RabbitMQ up in {time.monotonic() - started:.0f} s in {tmp} -->\n",
              flush=True)
        env = Env(args, build, work, tmp, backends)
        for name, fn in chosen:
            started = time.monotonic()
            try:
                fn(env)
            except KeyboardInterrupt:
                raise
            except Exception as error:  # one broken section must not hide the others
                failed += 1
                print(f"\n**{name}: could not be measured:** {error}\n", flush=True)
            env.print_logs()
            print(f"<!-- {name}: {time.monotonic() - started:.0f} s, load average {os.getloadavg()[0]:.1f} -->\n",
                  flush=True)
    except KeyboardInterrupt as interrupt:
        print(f"\ninterrupted ({interrupt}); stopping everything", file=sys.stderr)
        failed += 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # let the cleanup finish
        for proc in list(LIVE):
            try:
                proc.stop(timeout=10)
            except Exception:
                pass
        backends.stop()
        if args.keep:
            print(f"<!-- logs kept in {tmp} -->")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"<!-- total {time.monotonic() - total:.0f} s -->", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
