#!/usr/bin/env python3
"""Benchmark of the core pipeline (issue 2); prints Markdown tables.

1. `soundscripter transcribe` against whisper-cli built from the same source,
   same random-weight model, file and options (2 threads, greedy, no
   fallback): wall time, ratio, and whether the text is identical.
2. Peak RSS of `soundscripter transcribe` on a 10-minute and a 2-hour file
   (the streaming decoder and chunker keep memory flat).

Decode speed per format is printed by build/bench/decode_bench.

Usage: bench/transcribe_bench.py [--build build] [--quick]
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_common import lines, make_long_wav, make_model


def run(argv, **kwargs):
    """Runs argv; returns (seconds, stdout)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    out, err = proc.communicate()
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, argv))}\n{err.decode()[-2000:]}")
    return seconds, out.decode()


def peak_rss_mb(argv):
    """Runs argv alone and returns (seconds, its own peak RSS in MB)."""
    start = time.monotonic()
    pid = os.spawnv(os.P_NOWAIT, argv[0], [str(a) for a in argv])
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"failed ({status}): {' '.join(map(str, argv))}")
    return time.monotonic() - start, usage.ru_maxrss / 1024








def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--quick", action="store_true", help="jfk.wav only, no 2-hour file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the fastest counts")
    parser.add_argument("--rss-only", action="store_true", help="only the peak-RSS table")
    args = parser.parse_args()
    build = Path(args.build).resolve()
    work = build / "bench-data"
    work.mkdir(exist_ok=True)
    jfk = build / "deps/whisper/share/jfk.wav"
    cli = build / "deps/whisper/bin/whisper-cli"
    ours = build / "soundscripter"

    files = [("jfk.wav (11 s)", jfk)]
    if not args.quick:
        files.append(("10 min", make_long_wav(jfk, 600, work / "long-10min.wav")))
    common = ["-t", "2", "-bs", "1", "-bo", "1", "-nf", "-l", "en"]

    if not args.rss_only:
        compare_with_whisper_cli(args, build, work, jfk, cli, ours, files, common)
    if args.quick:
        return
    measure_peak_rss(build, work, jfk, ours)


def compare_with_whisper_cli(args, build, work, jfk, cli, ours, files, common):
    print(f"## soundscripter transcribe vs whisper-cli (2 threads, greedy, no fallback; fastest of {args.repeat})\n")
    print("| model | file | whisper-cli s | soundscripter s | ratio | identical text |")
    print("|---|---|---:|---:|---:|---|")
    for shape in ("tiny", "base"):
        model = make_model(build, shape, 0, work)
        for label, media in files:
            cli_argv = [cli, "-m", model, "-f", media, *common, "-np", "-otxt", "-of", work / "cli-out"]
            our_argv = [ours, "transcribe", media, "--model", model, "--threads", "2",
                        "--beam-size", "1", "--best-of", "1", "--no-fallback",
                        "--language", "en", "--chunk-length", "0", "--quiet"]
            # Alternate the two so a burst of load elsewhere hits both alike.
            cli_s = our_s = float("inf")
            for _ in range(args.repeat):
                cli_s = min(cli_s, run(cli_argv)[0])
                seconds, our_out = run(our_argv)
                our_s = min(our_s, seconds)
            cli_text = lines((work / "cli-out.txt").read_text(errors="replace"))
            same = "yes" if lines(our_out) == cli_text else "NO"
            print(f"| {shape} | {label} | {cli_s:.2f} | {our_s:.2f} | {our_s / cli_s:.3f} | {same} |",
                  flush=True)



def measure_peak_rss(build, work, jfk, ours):
    print("\n## Peak RSS of soundscripter transcribe (test-shaped model, 64-token context, 5-min chunks)\n")
    print("| file | seconds | peak RSS MB |")
    print("|---|---:|---:|")
    model = make_model(build, "test", 64, work)
    for label, seconds in (("10 min", 600), ("2 h", 7200)):
        media = make_long_wav(jfk, seconds, work / f"long-{seconds}s.flac")
        wall, rss = peak_rss_mb([ours, "transcribe", media, "--model", model, "--threads", "2",
                                 "--beam-size", "1", "--no-fallback", "--language", "en",
                                 "--quiet", "--output-dir", work / "rss-out"])
        print(f"| {label} | {wall:.1f} | {rss:.1f} |", flush=True)


if __name__ == "__main__":
    main()
