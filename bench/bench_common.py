"""Helpers shared by the benchmark scripts: test media and random models."""
import subprocess
import uuid
from pathlib import Path


def lines(text):
    """Non-empty lines, stripped: how transcripts are compared."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def make_long_wav(jfk, seconds, path: Path):
    """jfk.wav looped to `seconds`, 16 kHz mono; FLAC when path ends in .flac."""
    if not path.exists():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(jfk),
                        "-t", str(seconds), "-ar", "16000", "-ac", "1",
                        "-c:a", "flac" if path.suffix == ".flac" else "pcm_s16le", str(path)],
                       check=True)
    return path


def make_model(build: Path, shape, n_text_ctx, work: Path):
    """A random-weight Whisper model of a real shape (tiny, base, small) or `test`."""
    path = work / f"ggml-random-{shape}-ctx{n_text_ctx}.bin"
    if not path.exists():
        args = [build / "make_whisper_model", "--shape", shape, "--out", path]
        if n_text_ctx:
            args += ["--n-text-ctx", str(n_text_ctx)]
        subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL)
    return path


class LocalApiClient:
    """GET/DELETE helpers for a server on 127.0.0.1:self.port (both service benches)."""

    def conn(self, timeout=600):
        import http.client
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def get_json(self, path):
        import json
        conn = self.conn(60)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                raise RuntimeError(f"GET {path}: {resp.status} {body[:300]!r}")
            return json.loads(body)
        finally:
            conn.close()

    def delete(self, path):
        conn = self.conn(60)
        try:
            conn.request("DELETE", path)
            resp = conn.getresponse()
            resp.read()
            return resp.status
        finally:
            conn.close()


def multipart_parts(fields, filename, boundary_prefix="soundscripter-bench-"):
    """(content type, bytes before the file, bytes after it) of a multipart/form-data body."""
    boundary = boundary_prefix + uuid.uuid4().hex
    head = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    for name, value in fields.items())
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             f"Content-Type: application/octet-stream\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head, f"\r\n--{boundary}--\r\n".encode()
