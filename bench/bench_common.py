"""Helpers shared by the benchmark scripts: test media and random models."""
import subprocess
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
