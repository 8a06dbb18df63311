#!/usr/bin/env python3
"""A small HTTP server for the model-fetch tests: serves one directory with
byte-range support (206 Partial Content), can cut each response short to
imitate a dropped connection, and logs every request with its Range header
so a test can see that a download resumed rather than started over.

Python 3 standard library only. Listens on 127.0.0.1 at a free port and
prints "PORT <n>" on stdout once it accepts connections. Exits when stdin
closes, so it never outlives the test that started it.

  range_http_server.py --dir DIR [--log FILE] [--drop-after BYTES] [--ignore-ranges]

--ignore-ranges answers every request with the whole file (200), as some
servers and proxies do, to check that the client then starts over.

GET /redirect/NAME answers 302 to /NAME, to exercise redirect following.
"""
import argparse
import http.server
import os
import re
import socket
import sys
import threading

RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")


def make_handler(root, log_path, drop_after, ignore_ranges):
    log_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass  # the request log below is the one the tests read

        def record(self):
            if not log_path:
                return
            line = "%s %s range=%s\n" % (self.command, self.path, self.headers.get("Range", "-"))
            with log_lock, open(log_path, "a", encoding="utf-8") as log:
                log.write(line)

        def send_plain(self, status, body, extra_headers=()):
            data = body.encode()
            self.send_response(status)
            for name, value in extra_headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.close_connection = True

        def resolve(self):
            relative = self.path.split("?", 1)[0].lstrip("/")
            path = os.path.realpath(os.path.join(root, relative))
            if not path.startswith(root + os.sep) or not os.path.isfile(path):
                return None
            return path

        def byte_range(self, size):
            """(start, end) inclusive, None for the whole file, or "unsatisfiable"."""
            header = None if ignore_ranges else self.headers.get("Range")
            match = RANGE_PATTERN.match(header or "")
            if not match or (not match.group(1) and not match.group(2)):
                return None
            if not match.group(1):  # bytes=-N: the last N bytes
                length = int(match.group(2))
                return (max(0, size - length), size - 1) if length > 0 else "unsatisfiable"
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else size - 1
            if start >= size:
                return "unsatisfiable"
            return start, min(end, size - 1)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            self.record()
            if self.path.startswith("/redirect/"):
                target = self.path[len("/redirect"):]
                self.send_plain(302, "moved\n", [("Location", target)])
                return
            path = self.resolve()
            if path is None:
                self.send_plain(404, "not found\n")
                return
            size = os.path.getsize(path)
            wanted = self.byte_range(size)
            if wanted == "unsatisfiable":
                self.send_plain(416, "range not satisfiable\n", [("Content-Range", "bytes */%d" % size)])
                return
            start, end = wanted if wanted else (0, size - 1)
            self.send_response(206 if wanted else 200)
            if wanted:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command == "HEAD":
                return
            self.send_body(path, start, end - start + 1)

        def send_body(self, path, start, length):
            budget = drop_after if drop_after > 0 else length
            with open(path, "rb") as source:
                source.seek(start)
                left = min(length, budget)
                while left > 0:
                    chunk = source.read(min(65536, left))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    left -= len(chunk)
            if budget < length:
                # Cut the connection mid-body, as a flaky network would.
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="directory to serve")
    parser.add_argument("--log", help="append one line per request here")
    parser.add_argument("--drop-after", type=int, default=0,
                        help="close each response after this many body bytes (0: never)")
    parser.add_argument("--ignore-ranges", action="store_true",
                        help="always send the whole file with 200, ignoring Range")
    args = parser.parse_args()

    root = os.path.realpath(args.dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(root, args.log, args.drop_after, args.ignore_ranges))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # returns when the test closes our stdin or exits
    server.shutdown()


if __name__ == "__main__":
    main()
