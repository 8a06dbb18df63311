#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and CUDA but without the
# project's other dependencies: builds whisper.cpp (with scripts/patches
# applied, as scripts/setup does) with CUDA, then times whisper-cli on
# random-weight tiny/base/small models, GPU against CPU, and prints a table.
# SoundScripter's engine calls the same library the same way (see
# bench/transcribe_bench.py for the CPU comparison of the two).
#
# Usage: bench/gpu_check.sh PATCHED_WHISPER_SRC [OUT_DIR]
set -euo pipefail
src=$1
out=${2:-/tmp/gpu-check}
mkdir -p "$out"
build=/tmp/whisper-cuda
arch=${CUDA_ARCH:-90}
cores=$(nproc)

start=$(date +%s)
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="$arch" -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_SERVER=OFF >"$out/cmake.log" 2>&1
cmake --build "$build" --target whisper-cli -j "$cores" >"$out/build.log" 2>&1
echo "whisper.cpp CUDA build (sm_$arch, $cores cores): $(( $(date +%s) - start )) s"
g++ -O2 -std=c++20 tests/fixtures/make_whisper_model.cpp -o /tmp/make_whisper_model

jfk="$src/samples/jfk.wav"
# Ten minutes of speech: jfk.wav's samples repeated (stdlib only, no FFmpeg here).
python3 - "$jfk" /tmp/long-10min.wav <<'PY'
import sys, wave
with wave.open(sys.argv[1]) as w:
    params, frames = w.getparams(), w.readframes(w.getnframes())
with wave.open(sys.argv[2], "wb") as out:
    out.setparams(params)
    need = 600 * params.framerate * params.sampwidth
    data = frames * (need // len(frames) + 1)
    out.writeframes(data[:need])
PY

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo
echo "| model | file | device | threads | seconds | audio x real time |"
echo "|---|---|---|---:|---:|---:|"
for shape in tiny base small; do
  /tmp/make_whisper_model --shape "$shape" --out "/tmp/ggml-$shape.bin" >/dev/null
  for file in "$jfk" /tmp/long-10min.wav; do
    seconds_of_audio=$([[ $file == "$jfk" ]] && echo 11 || echo 600)
    for device in gpu cpu; do
      flags=(-t 4); [[ $device == cpu ]] && flags=(-t "$cores" -ng)
      t0=$(date +%s.%N)
      "$build/bin/whisper-cli" -m "/tmp/ggml-$shape.bin" -f "$file" "${flags[@]}" -bs 1 -nf -l en -np \
        -otxt -of "$out/$shape-$device-$(basename "$file" .wav)" >/dev/null 2>"$out/last.err"
      t1=$(date +%s.%N)
      python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'| $shape | $(basename "$file") | $device | ${flags[1]} | {s:.2f} | {float(sys.argv[3])/s:.0f} |')" "$t0" "$t1" "$seconds_of_audio"
    done
  done
done
