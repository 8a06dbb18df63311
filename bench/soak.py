#!/usr/bin/env python3
"""Soak test of `soundscripter serve` in embedded mode (issue 9); prints Markdown tables.

Not part of CI. One server (2 workers, 1 thread per job, a random-weight
`test`-shaped Whisper model from build/make_whisper_model, or PocketSphinx
when that tool is missing) in a temporary data directory, and --clients
threads that, for --duration seconds, do random things to it: upload small
and large files (wav, mp3, opus, mp4 video), follow a job's SSE stream to
its end, cancel (DELETE of a waiting or running job cancels and deletes it),
delete finished jobs, download transcripts in every format and media with a
Range, list jobs; and now and then misbehave: drop an SSE stream after its
first event, or close the socket half-way through an upload.

Every 10 s the server's RSS, open descriptors and threads are sampled.
Checked, each printed PASS or FAIL:

- no 5xx, no connection error that the client did not cause itself, no
  unexpected status (a 404 for a job nobody deleted, a 409 for the
  transcript of a completed job, ...), no malformed transcript, every SSE
  stream ends with the job's final state;
- RSS: the first third of the load is warm-up; the median of the last
  third of the samples is less than max(24 MB, 10 %) above the median of
  the middle third. Single samples swing with what the two workers hold at
  that instant (a 5-minute chunk is 19 MB of 16 kHz float samples, and the
  allocator keeps what it freed), hence medians and a bound of about one
  chunk; a leak of 0.1 MB/s shows in a 10-minute run. The trend (MB/min,
  least squares over the last two thirds) is printed too;
- once the clients have stopped and the queue is empty, open descriptors
  and threads are back to what they were before the load (+-2);
- every accepted job reaches a final state (completed, failed, cancelled, or
  deleted: 404 after our own DELETE), none failed, GET /v1/jobs lists no
  waiting or running job and exactly the jobs that were not deleted;
- the data directory: uploads/ is empty, every file in media/ belongs to a
  job still in the store (before and after SIGTERM), and the server exits 0
  on SIGTERM;
- /metrics counts as submitted exactly the jobs accepted.

Reported as WARN (they do not fail the run): warnings or errors in the
server's log, and /metrics counting jobs as failed that the API never showed
failed (a job deleted just as its worker opens its media or saves its result).

The exit status is 1 when a check fails.

Usage: bench/soak.py [--duration 600] [--clients 20] [--binary build/soundscripter] [--keep]
                     [--interval 10] [--seed N] [--engine auto|whisper|sphinx]
"""
import argparse
import collections
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

from bench_common import multipart_parts

ROOT = Path(__file__).resolve().parent.parent
FINAL = ("completed", "failed", "cancelled")
FORMATS = ("txt", "srt", "vtt", "json", "tsv", "zip")
MB = 1024 * 1024
LINGER_RST = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST


# ---------------------------------------------------------------- media and model

def find_jfk(work: Path) -> Path:
    """jfk.wav from whisper.cpp: installed or extracted under build/deps, else from the vendored tarball."""
    for candidate in (ROOT / "build/deps/whisper/share/jfk.wav", ROOT / "build/deps/whisper-src/samples/jfk.wav"):
        if candidate.is_file():
            return candidate
    for vendor in (ROOT / "shared/vendor", ROOT.parent / "shared/vendor"):
        for tarball in sorted(vendor.glob("whisper.cpp-*.tar.gz")):
            with tarfile.open(tarball) as tar:
                for member in tar:
                    if member.name.endswith("/samples/jfk.wav") and member.isfile():
                        target = work / "jfk.wav"
                        target.write_bytes(tar.extractfile(member).read())
                        return target
    raise SystemExit("jfk.wav not found (build/deps/whisper/share, build/deps/whisper-src/samples, "
                     "shared/vendor/whisper.cpp-*.tar.gz); run scripts/setup first")


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *map(str, args)], check=True)


def has_encoder(name):
    out = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    return f" {name} " in out


def make_media(jfk: Path, work: Path):
    """(small, large): lists of media files, made with ffmpeg from jfk.wav (11 s)."""
    media = work / "media"
    media.mkdir(exist_ok=True)
    small = [jfk]
    opus = media / "jfk-10s.opus"
    ffmpeg("-i", jfk, "-t", 10, "-c:a", "libopus", "-b:a", "32k", opus)
    small.append(opus)
    mp4 = media / "jfk-video.mp4"
    video = (["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] if has_encoder("libx264")
             else ["-c:v", "mpeg4"])
    ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=64x64:r=5", "-i", jfk, "-shortest", *video,
           "-c:a", "aac", "-b:a", "64k", mp4)
    small.append(mp4)
    large = []
    for seconds, name, codec in ((120, "loop-2min.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]),
                                 (120, "loop-2min.wav", ["-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le"]),
                                 (360, "loop-6min.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"])):
        path = media / name
        ffmpeg("-stream_loop", -1, "-i", jfk, "-t", seconds, *codec, path)
        large.append(path)
    return small, large


def engine_setup(binary: Path, work: Path, choice: str):
    """(serve flags, job fields, description): a random `test` Whisper model when the tool exists, else sphinx."""
    tool = binary.parent / "make_whisper_model"
    if choice == "whisper" or (choice == "auto" and tool.is_file()):
        model = work / "ggml-random-test-ctx64.bin"
        subprocess.run([str(tool), "--shape", "test", "--n-text-ctx", "64", "--out", str(model)],
                       check=True, stdout=subprocess.DEVNULL)
        return (["--engine", "whisper", "--model", str(model)],
                {"language": "en", "beam_size": "1", "best_of": "1", "no_fallback": "true"},
                "whisper, random-weight `test` model (64-token context), greedy, no fallback")
    return ["--engine", "sphinx"], {"language": "en"}, "sphinx"


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, binary: Path, work: Path, flags):
        self.data = work / "data"
        self.log_path = work / "server.log"
        self.log = open(self.log_path, "wb")
        argv = [str(binary), "serve", "--port", "0", "--data-dir", str(self.data), *flags]
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        match = re.search(r"http://[^:/]+:(\d+)", line)
        if not match:
            self.proc.kill()
            raise SystemExit(f"serve did not start: {line!r}\n{self.log_tail()}")
        self.port = int(match.group(1))
        self.pid = self.proc.pid
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def log_tail(self, n=4000):
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def alive(self):
        return self.proc.poll() is None

    def sample(self):
        """(VmRSS kB, open fds, threads) of the server."""
        rss = threads = None
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
        return rss, len(os.listdir(f"/proc/{self.pid}/fd")), threads

    def stop(self, timeout=90):
        """SIGTERM; the exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.log.close()
                return None
        self.log.close()
        return self.proc.returncode


# ---------------------------------------------------------------- HTTP

def request(port, method, path, body=None, headers=None, timeout=60):
    """(status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp, resp.read()
    finally:
        conn.close()


def upload(port, media: Path, fields, timeout=120):
    """POST /v1/jobs, the file streamed from disk; (status, parsed body)."""
    ctype, head, tail = multipart_parts(fields, media.name, "soundscripter-soak-")
    size = media.stat().st_size
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("POST", "/v1/jobs")
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        conn.endheaders()
        try:
            conn.send(head)
            with open(media, "rb") as f:
                while chunk := f.read(256 * 1024):
                    conn.send(chunk)
            conn.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early; read what it said
        resp = conn.getresponse()
        body = resp.read()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = body[:300]
        return resp.status, parsed
    finally:
        conn.close()


def abort_upload(port, media: Path, fields, rst):
    """Announces the whole file, sends about half, then closes the socket (with RST when rst)."""
    ctype, head, tail = multipart_parts(fields, media.name, "soundscripter-soak-")
    size = media.stat().st_size
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall((f"POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {ctype}\r\n"
                      f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n").encode() + head)
        with open(media, "rb") as f:
            sock.sendall(f.read(random.randint(1, max(1, size // 2))))
        if rst:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
    finally:
        sock.close()


def all_jobs(port):
    """Every job in the store, through GET /v1/jobs pages of 100."""
    jobs, offset = [], 0
    while True:
        status, _, body = request(port, "GET", f"/v1/jobs?limit=100&offset={offset}")
        if status != 200:
            raise RuntimeError(f"GET /v1/jobs: {status} {body[:300]!r}")
        page = json.loads(body)
        jobs += page["jobs"]
        offset += len(page["jobs"])
        if not page["jobs"] or offset >= page["total"]:
            return jobs


def count_jobs(port, state=None):
    query = "/v1/jobs?limit=1" + (f"&state={state}" if state else "")
    status, _, body = request(port, "GET", query, timeout=10)
    return json.loads(body)["total"] if status == 200 else None


# ---------------------------------------------------------------- bookkeeping

class Registry:
    """Every job the clients got a 202 for: last known state, and whether a DELETE was sent for it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.jobs = {}  # id -> {"state", "deleting", "deleted", "deleted_when", "media"}

    def add(self, job_id, state, media: Path):
        with self.lock:
            self.jobs[job_id] = {"state": state, "deleting": False, "deleted": False, "deleted_when": None,
                                 "media": media.name, "size": media.stat().st_size}

    def set_state(self, job_id, state):
        with self.lock:
            job = self.jobs.get(job_id)
            if job and job["state"] not in FINAL:
                job["state"] = state

    def pick(self, want):
        """A random job, not being deleted, whose state is in `want` (None: any)."""
        with self.lock:
            ids = [i for i, j in self.jobs.items()
                   if not j["deleting"] and (want is None or j["state"] in want)]
        return random.choice(ids) if ids else None

    def claim_delete(self, job_id):
        """Marks the job as being deleted (before the DELETE is sent); False when someone else did."""
        with self.lock:
            job = self.jobs[job_id]
            if job["deleting"]:
                return False
            job["deleting"] = True
            job["deleted_when"] = job["state"]
            return True

    def deleted(self, job_id):
        with self.lock:
            self.jobs[job_id]["deleted"] = True

    def deleting(self, job_id):
        with self.lock:
            job = self.jobs.get(job_id)
            return bool(job and job["deleting"])

    def counts(self):
        with self.lock:
            pending = sum(1 for j in self.jobs.values() if not j["deleting"] and j["state"] not in FINAL)
            finished = sum(1 for j in self.jobs.values() if not j["deleting"] and j["state"] in FINAL)
        return pending, finished


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()  # (action, status) -> n
        self.failures = collections.Counter()  # action -> n
        self.examples = []

    def count(self, action, status):
        with self.lock:
            self.counts[(action, str(status))] += 1

    def fail(self, action, detail):
        with self.lock:
            self.failures[action] += 1
            if len(self.examples) < 40:
                self.examples.append(f"{time.strftime('%H:%M:%S')} {action}: {detail}")


# ---------------------------------------------------------------- clients

class Client(threading.Thread):
    WEIGHTS = {"upload_small": 4, "upload_large": 1, "follow_sse": 3, "cancel": 1, "delete": 1.5,
               "download": 2, "media_range": 0.5, "get": 1.5, "list": 1, "drop_sse": 0.5, "abort_upload": 0.5}

    def __init__(self, n, port, registry, stats, small, large, fields, stop, max_pending, max_finished):
        super().__init__(daemon=True, name=f"client-{n}")
        self.port, self.registry, self.stats = port, registry, stats
        self.small, self.large, self.fields, self.stop = small, large, fields, stop
        self.max_pending, self.max_finished = max_pending, max_finished
        self.rng = random.Random(random.random())

    def run(self):
        actions, weights = zip(*self.WEIGHTS.items())
        while not self.stop.is_set():
            action = self.rng.choices(actions, weights)[0]
            pending, finished = self.registry.counts()
            # Keep the queue and the store at a steady size: a soak, not a flood.
            if action.startswith("upload") and pending >= self.max_pending:
                action = "follow_sse"
            elif action.startswith("upload") and finished >= self.max_finished:
                action = "delete"
            try:
                getattr(self, action)()
            except (OSError, http.client.HTTPException) as error:
                self.stats.count(action, f"error {type(error).__name__}")
                self.stats.fail(action, f"connection error {type(error).__name__}: {error}")
            except Exception as error:  # a bug in this script, or a malformed answer
                self.stats.count(action, f"exception {type(error).__name__}")
                self.stats.fail(action, f"{type(error).__name__}: {error}")
            time.sleep(self.rng.uniform(0, 0.3))

    # -- helpers

    def job_fields(self):
        fields = dict(self.fields)
        fields["priority"] = self.rng.choice(("low", "normal", "high"))
        if self.rng.random() < 0.3 and "beam_size" in fields:
            fields["word_timestamps"] = "true"
        return fields

    def expect(self, action, job_id, status, ok=(200,), count=True):
        """Counts status (those in ok only when count); a 404 is fine only for a job some client is
        deleting. False unless in ok."""
        if count or status not in ok:
            self.stats.count(action, status)
        if status in ok:
            return True
        if status == 404 and job_id and self.registry.deleting(job_id):
            return False
        self.stats.fail(action, f"job {job_id}: unexpected {status}")
        return False

    # -- actions

    def upload_small(self, files=None):
        media = self.rng.choice(files or self.small)
        action = "upload_small" if files is None else "upload_large"
        status, body = upload(self.port, media, self.job_fields())
        self.stats.count(action, status)
        if status == 202 and isinstance(body, dict) and "id" in body:
            self.registry.add(body["id"], body.get("state", "queued"), media)
        else:
            self.stats.fail(action, f"{media.name}: {status} {body!r:.300}")

    def upload_large(self):
        self.upload_small(self.large)

    def follow_sse(self):
        job_id = self.registry.pick(("queued", "processing")) or self.registry.pick(None)
        if not job_id:
            return
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)  # heartbeats every 15 s
        try:
            conn.request("GET", f"/v1/jobs/{job_id}/events", headers={"Accept": "text/event-stream"})
            resp = conn.getresponse()
            if not self.expect("follow_sse", job_id, resp.status, count=False):  # counted by how it ends
                resp.read()
                return
            event, final, deleted = None, None, False
            while raw := resp.readline():
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "state":
                    data = json.loads(line[5:])
                    if data.get("state") in FINAL:
                        final, deleted = data["state"], bool(data.get("deleted"))
                if self.stop.is_set() and final is None:
                    self.stats.count("follow_sse", "stopped by the soak's end")
                    return
            if final is None:
                self.stats.fail("follow_sse", f"job {job_id}: the stream ended without a final state")
            elif deleted and not self.registry.deleting(job_id):
                self.stats.fail("follow_sse", f"job {job_id}: 'deleted' event but nobody deleted it")
            else:
                self.registry.set_state(job_id, final)
                self.stats.count("follow_sse", f"ended {final}" + (" (deleted)" if deleted else ""))
        finally:
            conn.close()

    def drop_sse(self):
        job_id = self.registry.pick(("queued", "processing")) or self.registry.pick(None)
        if not job_id:
            return
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", f"/v1/jobs/{job_id}/events", headers={"Accept": "text/event-stream"})
            resp = conn.getresponse()
            if self.expect("drop_sse", job_id, resp.status):
                resp.readline()  # the first line of the first event, then hang up
        finally:
            if conn.sock and self.rng.random() < 0.5:  # half the time a reset, not a FIN
                conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
            conn.close()

    def abort_upload(self):
        media = self.rng.choice(self.small + self.large)
        rst = self.rng.random() < 0.5
        try:
            abort_upload(self.port, media, self.job_fields(), rst)
            self.stats.count("abort_upload", "closed half-way" + (" (RST)" if rst else ""))
        except (BrokenPipeError, ConnectionResetError) as error:
            self.stats.count("abort_upload", f"server closed first ({type(error).__name__})")

    def delete_job(self, action, job_id):
        if not job_id or not self.registry.claim_delete(job_id):
            return
        status, _, body = request(self.port, "DELETE", f"/v1/jobs/{job_id}")
        self.stats.count(action, status)
        if status == 200:
            self.registry.deleted(job_id)
        else:
            self.stats.fail(action, f"job {job_id}: DELETE {status} {body[:200]!r}")

    def cancel(self):
        self.delete_job("cancel", self.registry.pick(("queued", "processing")))

    def delete(self):
        self.delete_job("delete", self.registry.pick(FINAL))

    def download(self):
        job_id = self.registry.pick(("completed",))
        if not job_id:
            return
        for fmt in FORMATS:
            status, resp, body = request(self.port, "GET", f"/v1/jobs/{job_id}/transcript?format={fmt}")
            if not self.expect("download", job_id, status):
                return
            problem = check_transcript(fmt, body, resp.getheader("Content-Type", ""))
            if problem:
                self.stats.fail("download", f"job {job_id} format {fmt}: {problem}")

    def media_range(self):
        job_id = self.registry.pick(None)
        if not job_id:
            return
        size = self.registry.jobs[job_id]["size"]
        first = self.rng.randint(0, 4096)
        status, _, body = request(self.port, "GET", f"/v1/jobs/{job_id}/media",
                                  headers={"Range": f"bytes={first}-{first + 65535}"})
        want = min(size, first + 65536) - first
        if self.expect("media_range", job_id, status, ok=(206,)) and len(body) != want:
            self.stats.fail("media_range", f"job {job_id}: {len(body)} bytes for bytes={first}-{first + 65535} "
                                           f"of {size}")

    def get(self):
        job_id = self.registry.pick(None)
        if not job_id:
            return
        status, _, body = request(self.port, "GET", f"/v1/jobs/{job_id}")
        if self.expect("get", job_id, status):
            self.registry.set_state(job_id, json.loads(body)["state"])

    def list(self):
        query = self.rng.choice(("", "?state=queued", "?state=completed", "?limit=100",
                                 f"?limit=5&offset={self.rng.randint(0, 50)}"))
        status, _, body = request(self.port, "GET", "/v1/jobs" + query)
        if self.expect("list", None, status):
            json.loads(body)["jobs"]


def check_transcript(fmt, body, ctype):
    """What is wrong with a downloaded transcript, or None."""
    if fmt == "zip":
        return None if body.startswith(b"PK\x03\x04") else f"not a zip ({body[:40]!r}, {ctype})"
    if fmt == "json":
        try:
            data = json.loads(body)
        except ValueError:
            return f"not JSON: {body[:80]!r}"
        return None if isinstance(data, dict) else "JSON but not an object"
    if fmt == "vtt" and not body.startswith(b"WEBVTT"):
        return f"no WEBVTT header: {body[:40]!r}"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    return None


# ---------------------------------------------------------------- sampling

class Sampler(threading.Thread):
    def __init__(self, server, interval, start):
        super().__init__(daemon=True, name="sampler")
        self.server, self.interval, self.start_time = server, interval, start
        self.phase = "load"
        self.rows = []
        self.halt = threading.Event()
        self.lock = threading.Lock()

    def take(self, phase=None):
        if not self.server.alive():
            return None
        try:
            rss, fds, threads = self.server.sample()
        except OSError:
            return None
        row = {"t": time.monotonic() - self.start_time, "phase": phase or self.phase, "rss": rss, "fds": fds,
               "threads": threads}
        try:
            row["stored"] = count_jobs(self.server.port)
            row["queued"] = count_jobs(self.server.port, "queued")
            row["processing"] = count_jobs(self.server.port, "processing")
        except (OSError, http.client.HTTPException, ValueError):
            row["stored"] = row["queued"] = row["processing"] = None
        with self.lock:
            self.rows.append(row)
        return row

    def run(self):
        while not self.halt.wait(self.interval):
            if self.take() is None:
                return


# ---------------------------------------------------------------- the run

def wait_final(port, job_id, timeout=120):
    """Follows a job's events to its end; its final state."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", f"/v1/jobs/{job_id}/events")
        resp = conn.getresponse()
        event = None
        while raw := resp.readline():
            line = raw.decode().rstrip("\r\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "state" and json.loads(line[5:])["state"] in FINAL:
                return json.loads(line[5:])["state"]
        return None
    finally:
        conn.close()


def parse_metrics(text):
    """[(name, {label: value}, value)] of a Prometheus text exposition."""
    rows = []
    for line in text.splitlines():
        match = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)', line)
        if match and not line.startswith("#"):
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
            rows.append((match.group(1), labels, float(match.group(3))))
    return rows


def slope(rows, key):
    """Least-squares slope of rows[key] over rows["t"], per second."""
    ts = [r["t"] for r in rows]
    ys = [r[key] for r in rows]
    if len(ts) < 2:
        return 0.0
    mt, my = statistics.fmean(ts), statistics.fmean(ys)
    den = sum((t - mt) ** 2 for t in ts)
    return sum((t - mt) * (y - my) for t, y in zip(ts, ys)) / den if den else 0.0


def mb(kb):
    return f"{kb / 1024:.1f}" if kb is not None else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=600, help="seconds of load (default 600)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--binary", type=Path, default=ROOT / "build/soundscripter")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (data, log, media)")
    parser.add_argument("--interval", type=float, default=10, help="seconds between samples (default 10)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--engine", choices=("auto", "whisper", "sphinx"), default="auto")
    parser.add_argument("--drain-timeout", type=float, default=600,
                        help="seconds the queue may take to empty after the load (default 600)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    binary = args.binary.resolve()
    if not binary.is_file():
        raise SystemExit(f"{binary} not found: build the project first (scripts/setup)")

    # SIGTERM (timeout, kill) ends the run like Ctrl-C: the finally below stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="soundscripter-soak-"))
    server = None
    try:
        jfk = find_jfk(work)
        small, large = make_media(jfk, work)
        flags, fields, engine_text = engine_setup(binary, work, args.engine)
        if flags[1] == "sphinx":  # far slower than the random model: no 6-minute file
            large = [p for p in large if "6min" not in p.name]
        server = Server(binary, work, [*flags, "--workers", "2", "--threads-per-job", "1"])
        return soak(args, seed, server, small, large, fields, engine_text, work)
    except (OSError, http.client.HTTPException) as error:
        if server and not server.alive():
            print(f"\n**FAIL**: the server exited ({server.proc.returncode}) and the soak could not go on "
                  f"({type(error).__name__}: {error}). Log tail:\n\n{server.log_tail()}")
            return 1
        raise
    finally:
        if server and server.alive():
            server.stop()
        if args.keep:
            print(f"\nKept {work} (data/, server.log, media/).")
        else:
            shutil.rmtree(work, ignore_errors=True)


def soak(args, seed, server, small, large, fields, engine_text, work):
    port = server.port
    print(f"# Soak: {args.clients} clients for {args.duration:.0f} s against `serve` in embedded mode\n")
    print(f"Engine: {engine_text}; 2 workers, 1 thread per job; seed {seed}; server pid {server.pid}, "
          f"port {port}; data {server.data}.")
    print("Media: " + ", ".join(f"{p.name} ({p.stat().st_size / MB:.2f} MB)" for p in small + large) + "\n",
          flush=True)

    # Warm-up: one job, so the model is loaded and the workers have run; then the baseline.
    status, body = upload(port, small[0], fields)
    if status != 202:
        raise SystemExit(f"warm-up upload: {status} {body}")
    state = wait_final(port, body["id"])
    if state != "completed":
        raise SystemExit(f"warm-up job ended {state}\n{server.log_tail()}")
    request(port, "DELETE", f"/v1/jobs/{body['id']}")
    time.sleep(2)

    start = time.monotonic()
    sampler = Sampler(server, args.interval, start)
    baseline = sampler.take("baseline")
    registry, stats, stop = Registry(), Stats(), threading.Event()
    clients = [Client(n, port, registry, stats, small, large, fields, stop,
                      max_pending=max(6, args.clients // 2), max_finished=max(20, 2 * args.clients))
               for n in range(args.clients)]
    sampler.start()
    for client in clients:
        client.start()
    deadline = start + args.duration
    crashed = False
    while time.monotonic() < deadline:
        time.sleep(1)
        if not server.alive():
            crashed = True
            break
    load_end = time.monotonic()
    sampler.phase = "stopping"
    stop.set()
    stuck = []
    for client in clients:
        client.join(max(1.0, load_end + 120 - time.monotonic()))
        if client.is_alive():
            stuck.append(client.name)
    sampler.phase = "drain"
    print(f"Load ran {load_end - start:.0f} s; clients stopped after {time.monotonic() - load_end:.1f} s"
          + (f" ({len(stuck)} still busy: {', '.join(stuck)})" if stuck else "") + ".\n", flush=True)

    checks = []  # (name, ok, detail)

    def check(name, ok, detail):
        checks.append((name, ok, detail))

    if crashed or not server.alive():
        check("server alive during the load", False, f"exited with {server.proc.returncode} (log tail below)")
        sampler.halt.set()
        print_samples(sampler.rows)
        print_actions(stats)
        print_checks(checks)
        print_log_summary(server)
        print("Server log tail:\n\n" + "\n".join("    " + line for line in server.log_tail().splitlines()))
        return 1

    # Drain: every accepted job to a final state (or gone after our own DELETE).
    drain_deadline = time.monotonic() + args.drain_timeout
    lost, unsettled = [], []
    final_states = {}
    with registry.lock:
        known = {i: dict(j) for i, j in registry.jobs.items()}
    for job_id, info in known.items():
        while True:
            status, _, body = request(port, "GET", f"/v1/jobs/{job_id}")
            if status == 404:
                if info["deleted"]:
                    final_states[job_id] = ("cancelled + deleted" if info["deleted_when"] not in FINAL
                                            else "deleted after " + info["deleted_when"])
                else:
                    lost.append(job_id)
                break
            job = json.loads(body)
            if info["deleted"]:
                lost.append(f"{job_id} (deleted, still there: {job['state']})")
                break
            if job["state"] in FINAL:
                final_states[job_id] = job["state"]
                if job["state"] == "failed":
                    stats.fail("jobs", f"job {job_id} ({info['media']}) failed: {job.get('error')}")
                break
            if time.monotonic() > drain_deadline:
                unsettled.append(f"{job_id} {job['state']}")
                break
            time.sleep(0.5)
    drain_end = time.monotonic()
    sampler.phase = "idle"

    # Idle: fds and threads back to the baseline (give kept-alive connections and streams up to 30 s);
    # only the last of these samples is kept.
    sampler.halt.set()
    sampler.join()
    settle_deadline = time.monotonic() + 30
    idle = None
    while True:
        time.sleep(2)
        idle = sampler.take("idle")
        back = idle is None or (abs(idle["fds"] - baseline["fds"]) <= 2
                                and abs(idle["threads"] - baseline["threads"]) <= 2)
        if back or time.monotonic() > settle_deadline:
            break
        sampler.rows.pop()

    # The store: nothing waiting or running; exactly the jobs that were not deleted.
    stored = all_jobs(port)
    stored_ids = {j["id"] for j in stored}
    stored_states = collections.Counter(j["state"] for j in stored)
    expected_ids = {i for i, info in known.items() if not info["deleted"]}
    # The data directory, while the server still runs.
    uploads_before = sorted(p.name for p in (server.data / "uploads").iterdir())
    media_before = sorted(p.name for p in (server.data / "media").iterdir())
    orphans_before = [n for n in media_before if n.split(".")[0] not in stored_ids]
    missing_media = sorted(i for i in stored_ids if not any(n.split(".")[0] == i for n in media_before))

    # The server's own counts (/metrics): submitted = accepted (+ the warm-up job), and how the
    # workers say jobs ended, against the final states seen through the API.
    status, _, body = request(port, "GET", "/metrics")
    metrics = parse_metrics(body.decode()) if status == 200 else []
    submitted = sum(v for n, _, v in metrics if n == "soundscripter_jobs_submitted_total")
    finished = {l.get("state"): v for n, l, v in metrics if n == "soundscripter_jobs_finished_total"}

    rc = server.stop()
    uploads_after = sorted(p.name for p in (server.data / "uploads").iterdir())
    media_after = sorted(p.name for p in (server.data / "media").iterdir())
    orphans_after = [n for n in media_after if n.split(".")[0] not in stored_ids]

    print_samples(sampler.rows)
    print_actions(stats)

    print("## Jobs by final state\n")
    print("| final state | jobs |")
    print("|---|---:|")
    for state, n in sorted(collections.Counter(final_states.values()).items()):
        print(f"| {state} | {n} |")
    print(f"| **accepted (202)** | **{len(known)}** |")
    print(f"\nGET /v1/jobs at the end: {len(stored)} jobs ({dict(stored_states)}); queue drained in "
          f"{drain_end - load_end:.1f} s after the load ended.\n")

    # Checks.
    failures = sum(stats.failures.values())
    five = sum(n for (a, s), n in stats.counts.items() if s.isdigit() and s.startswith("5"))
    check("no 5xx", five == 0, f"{five} answers 5xx")
    check("no unexpected status, connection error or bad body", failures == 0,
          f"{failures} ({', '.join(f'{a}: {n}' for a, n in stats.failures.items())})" if failures else "none")
    check("clients stopped within 120 s", not stuck, ", ".join(stuck) or "all")
    check("every accepted job final", not unsettled and not lost,
          f"{len(known)} accepted; not final after {args.drain_timeout:.0f} s: {unsettled[:5]}; "
          f"lost or wrongly kept: {lost[:5]}" if unsettled or lost else f"{len(known)} accepted, all final")
    check("no job failed", "failed" not in final_states.values(),
          f"{sum(1 for s in final_states.values() if s == 'failed')} failed")
    check("GET /v1/jobs: nothing queued or processing", not stored_states["queued"] and not stored_states["processing"],
          f"{dict(stored_states)}")
    check("GET /v1/jobs: exactly the jobs not deleted", stored_ids == expected_ids,
          f"{len(stored_ids)} listed, {len(expected_ids)} expected; unknown: {sorted(stored_ids - expected_ids)[:5]}, "
          f"missing: {sorted(expected_ids - stored_ids)[:5]}")

    load = [r for r in sampler.rows if r["phase"] == "load" and r["rss"] is not None]
    if len(load) >= 3:
        # Warm-up is the first third; compared: the middle third with the last third, medians (single
        # samples swing by tens of MB with what the two workers are decoding at that instant).
        middle, late = load[len(load) // 3:2 * len(load) // 3], load[2 * len(load) // 3:]
        ref_rss = statistics.median(r["rss"] for r in middle)
        late_rss = statistics.median(r["rss"] for r in late)
        growth = late_rss - ref_rss
        bound = max(24 * 1024, ref_rss / 10)
        check("RSS: no growth after warm-up", growth < bound,
              f"median {mb(late_rss)} MB over t={late[0]['t']:.0f}–{late[-1]['t']:.0f} s vs {mb(ref_rss)} MB over "
              f"t={middle[0]['t']:.0f}–{middle[-1]['t']:.0f} s: {growth / 1024:+.1f} MB (bound {bound / 1024:.0f} MB); "
              f"peaks {mb(max(r['rss'] for r in middle))} → {mb(max(r['rss'] for r in late))} MB; "
              f"trend after warm-up {slope(middle + late, 'rss') / 1024 * 60:+.2f} MB/min")
        print(f"During the load (middle third → last third, medians): fds "
              f"{statistics.median(r['fds'] for r in middle):g} → {statistics.median(r['fds'] for r in late):g}, "
              f"threads {statistics.median(r['threads'] for r in middle):g} → "
              f"{statistics.median(r['threads'] for r in late):g} (open connections come and go; "
              "the idle check is the rule). Peak RSS during the load "
              f"{mb(max(r['rss'] for r in load))} MB; before it {mb(baseline['rss'])} MB, idle after it "
              f"{mb(idle['rss']) if idle else '–'} MB.\n")
    else:
        check("RSS: no growth after warm-up", False, f"only {len(load)} load samples; run longer")
    if idle:
        check("fds back to baseline (±2) when idle", abs(idle["fds"] - baseline["fds"]) <= 2,
              f"{baseline['fds']} before the load, {idle['fds']} after")
        check("threads back to baseline (±2) when idle", abs(idle["threads"] - baseline["threads"]) <= 2,
              f"{baseline['threads']} before the load, {idle['threads']} after")
    else:
        check("server alive after the load", False, "no idle sample")
    check("uploads/ empty (running, and after SIGTERM)", not uploads_before and not uploads_after,
          f"running: {uploads_before[:5]} ({len(uploads_before)}); after: {uploads_after[:5]} ({len(uploads_after)})")
    check("no orphan in media/ (running, and after SIGTERM)", not orphans_before and not orphans_after,
          f"{len(media_before)} files, {len(stored_ids)} jobs; orphans running: {orphans_before[:5]} "
          f"({len(orphans_before)}); after: {orphans_after[:5]} ({len(orphans_after)})")
    check("every stored job has its media", not missing_media, f"missing: {missing_media[:5]} ({len(missing_media)})")
    check("exit 0 on SIGTERM", rc == 0, f"exit status {rc}")
    check("/metrics: jobs submitted = accepted (+1 warm-up)", submitted == len(known) + 1,
          f"soundscripter_jobs_submitted_total {submitted:g}, accepted {len(known)} + 1")
    failed_api = sum(1 for s in final_states.values() if s == "failed")
    # WARN, not FAIL: a job deleted while its worker starts or finishes is gone either way, but the
    # worker may count it as failed (and log a warning) rather than cancelled.
    check("/metrics: jobs finished as failed = failed through the API",
          True if finished.get("failed", 0) == failed_api else "warn",
          "soundscripter_jobs_finished_total " + ", ".join(f"{k} {v:g}" for k, v in sorted(finished.items()))
          + f"; failed through the API: {failed_api}")
    warnings = log_warnings(server)
    check("server log: no warning or error", True if not warnings else "warn",
          f"{len(warnings)} (listed below)" if warnings else "none")
    print_checks(checks)
    print_log_summary(server)
    return 0 if all(ok is not False for _, ok, _ in checks) else 1


def print_samples(rows):
    print("## Samples (server process)\n")
    print("| t s | phase | RSS MB | open fds | threads | jobs stored | queued | processing |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cells = [f"{r['t']:.0f}", r["phase"], mb(r["rss"]), r["fds"], r["threads"], r.get("stored"),
                 r.get("queued"), r.get("processing")]
        print("| " + " | ".join("–" if c is None else str(c) for c in cells) + " |")
    print()


def print_actions(stats):
    print("## Actions\n")
    print("| action | total | by status | failures |")
    print("|---|---:|---|---:|")
    by_action = collections.defaultdict(dict)
    for (action, status), n in stats.counts.items():
        by_action[action][status] = n
    for action in sorted(set(by_action) | set(stats.failures)):
        statuses = by_action.get(action, {})
        text = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        print(f"| {action} | {sum(statuses.values())} | {text} | {stats.failures.get(action, 0)} |")
    print()
    if stats.examples:
        print("Failures (first 40):\n")
        for line in stats.examples:
            print(f"- {line}")
        print()


def print_checks(checks):
    print("## Checks\n")
    print("| check | result | detail |")
    print("|---|---|---|")
    for name, ok, detail in checks:
        print(f"| {name} | {'WARN' if ok == 'warn' else 'PASS' if ok else '**FAIL**'} | {detail} |")
    print(f"\n**{'PASS' if all(ok is not False for _, ok, _ in checks) else 'FAIL'}** "
          "(WARN: reported, does not fail the run)\n", flush=True)


def log_levels(server):
    """(count of the server's log lines by level, the lines above info)."""
    levels = collections.Counter()
    notable = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        try:
            level = json.loads(line).get("level", "?")
        except ValueError:
            level = "(not JSON)"
        levels[level] += 1
        if level not in ("trace", "debug", "info"):
            notable.append(line)
    return levels, notable


def log_warnings(server):
    return log_levels(server)[1]


def print_log_summary(server):
    """Counts of the server's log lines by level, and the warnings and errors (first 20)."""
    levels, notable = log_levels(server)
    print("Server log lines by level: " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())) + ".")
    if notable:
        print("\nWarnings and errors (first 20):\n")
        for line in notable[:20]:
            print(f"    {line[:400]}")
    print()


if __name__ == "__main__":
    sys.exit(main())
