#!/usr/bin/env python3
"""Benchmark of the Parakeet engine (issue 10); prints Markdown tables.

1. `soundscripter transcribe --engine parakeet` against parakeet-cli built
   from the same whisper.cpp source, with a random-weight model of the real
   parakeet-tdt-0.6b-v3 shape (f16, as published), 2 threads, the whole file
   in one call (`--chunk-length 0`, as parakeet-cli does): wall time, peak
   RSS, ratio, and whether the text is identical.
2. The Whisper engine on the same audio with random-weight base- and
   small-shaped models (greedy, no fallback, English): time and peak RSS.
3. Parakeet's chunk length: the 10-minute file at several --chunk-length
   values (parakeet attends over its whole input, so memory grows with it).
4. Start-up: how long `soundscripter --version` takes, and how many shared
   libraries it loads.

Usage: bench/parakeet_bench.py [--build build] [--quick] [--sections compare,whisper,chunks,startup]
Models and media are made in build/bench-data/ (the 0.6b model is 1.26 GB).
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_common import make_long_wav, make_model


def peak_rss(argv):
    """Runs argv alone with wait4, so its own peak RSS is known: (seconds, MB, stdout)."""
    start = time.monotonic()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(write, 1)
        os.close(read)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execv(str(argv[0]), [str(a) for a in argv])
    os.close(write)
    chunks = []
    while True:
        data = os.read(read, 1 << 16)
        if not data:
            break
        chunks.append(data)
    os.close(read)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - start
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(map(str, argv))}")
    return seconds, usage.ru_maxrss / 1024, b"".join(chunks).decode(errors="replace")


def words(text):
    """The text as one line of words: parakeet-cli prints one line, txt a line per segment."""
    return " ".join(text.split())


def make_parakeet(build, work, shape):
    path = work / f"ggml-random-parakeet-{shape}.bin"
    if not path.exists():
        subprocess.run([str(build / "make_parakeet_model"), "--shape", shape, "--output", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def compare(build, work, files, model):
    cli = build / "deps/whisper/bin/parakeet-cli"
    ours = build / "soundscripter"
    print("## soundscripter --engine parakeet vs parakeet-cli (0.6b shape, f16, 2 threads, whole file)\n")
    print("| file | parakeet-cli s | MB | soundscripter s | MB | ratio | identical text |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, media in files:
        cli_s, cli_mb, cli_out = peak_rss([cli, "-m", model, "-t", "2", "-ng", "-np", media])
        our_s, our_mb, our_out = peak_rss([ours, "transcribe", media, "--engine", "parakeet", "--model", model,
                                           "--threads", "2", "--chunk-length", "0", "--quiet"])
        same = "yes" if words(cli_out) == words(our_out) and words(cli_out) else "NO"
        print(f"| {label} | {cli_s:.2f} | {cli_mb:.0f} | {our_s:.2f} | {our_mb:.0f} | {our_s / cli_s:.3f} | {same} "
              f"({len(words(our_out).split())} words) |", flush=True)


def whisper(build, work, files):
    ours = build / "soundscripter"
    print("\n## The Whisper engine on the same audio (random weights, 2 threads, greedy, no fallback, en, "
          "whole file)\n")
    print("| model | file | seconds | peak RSS MB | words |")
    print("|---|---|---:|---:|---:|")
    for shape in ("base", "small"):
        model = make_model(build, shape, 0, work)
        for label, media in files:
            seconds, mb, out = peak_rss([ours, "transcribe", media, "--engine", "whisper", "--model", model,
                                         "--threads", "2", "--beam-size", "1", "--no-fallback", "--language",
                                         "en", "--chunk-length", "0", "--quiet"])
            print(f"| {shape} | {label} | {seconds:.2f} | {mb:.0f} | {len(out.split())} |", flush=True)


def chunks(build, work, media, model, lengths):
    ours = build / "soundscripter"
    print("\n## Parakeet 0.6b on the 10-minute file by --chunk-length (2 threads)\n")
    print("| chunk length s | seconds | peak RSS MB |")
    print("|---:|---:|---:|")
    for length in lengths:
        seconds, mb, _ = peak_rss([ours, "transcribe", media, "--engine", "parakeet", "--model", model,
                                   "--threads", "2", "--chunk-length", str(length), "--quiet"])
        print(f"| {length if length else 'whole file'} | {seconds:.2f} | {mb:.0f} |", flush=True)


def startup(build):
    ours = build / "soundscripter"
    libraries = subprocess.run(["ldd", str(ours)], capture_output=True, text=True).stdout.count("=>")
    needed = subprocess.run(["readelf", "-d", str(ours)], capture_output=True, text=True).stdout.count("(NEEDED)")
    times = []
    for _ in range(30):
        start = time.perf_counter()
        subprocess.run([str(ours), "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    times.sort()
    print("\n## Start-up of `soundscripter --version` (30 runs)\n")
    print("| shared libraries loaded | of them NEEDED by the binary | fastest ms | median ms |")
    print("|---:|---:|---:|---:|")
    print(f"| {libraries} | {needed} | {times[0] * 1000:.1f} | {times[len(times) // 2] * 1000:.1f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--quick", action="store_true", help="jfk.wav only")
    parser.add_argument("--sections", default="compare,whisper,chunks,startup")
    parser.add_argument("--chunk-lengths", default="60,120,300")
    args = parser.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench-data"
    work.mkdir(exist_ok=True)
    jfk = build / "deps/whisper/share/jfk.wav"
    files = [("jfk.wav (11 s)", jfk)]
    if not args.quick:
        files.append(("10 min", make_long_wav(jfk, 600, work / "long-10min.wav")))
    sections = args.sections.split(",")
    model = make_parakeet(build, work, "0.6b") if {"compare", "chunks"} & set(sections) else None
    if "compare" in sections:
        compare(build, work, files, model)
    if "whisper" in sections:
        whisper(build, work, files)
    if "chunks" in sections and not args.quick:
        chunks(build, work, files[-1][1], model, [int(x) for x in args.chunk_lengths.split(",")])
    if "startup" in sections:
        startup(build)


if __name__ == "__main__":
    main()
