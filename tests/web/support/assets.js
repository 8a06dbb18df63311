// What the browser tests upload and what their servers transcribe with:
// random-weight Whisper models made by build/make_whisper_model (the same
// tool the C++ tests use), and WAV files built here from whisper.cpp's
// jfk.wav (speech, so the models find segments) or, without it, from
// synthetic tone bursts. Made once into a cache folder by global-setup.js.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const cacheDir = process.env.SOUNDSCRIPTER_WEB_TEST_DATA || path.join(os.tmpdir(), "soundscripter-web-test-data");

export function testAssets() {
  return {
    modelsDir: path.join(cacheDir, "models"),
    shortWav: path.join(cacheDir, "speech-11s.wav"),
    mediumWav: path.join(cacheDir, "speech-40s.wav"),
    longWav: path.join(cacheDir, "speech-120s.wav"),
    notMedia: path.join(cacheDir, "notes.txt"),
    video: path.join(cacheDir, "clip.webm"),  // only where ffmpeg is installed
  };
}

const SAMPLE_RATE = 16000;

function wavFile(samples) {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);  // PCM
  header.writeUInt16LE(1, 22);  // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

// The 16-bit mono 16 kHz samples of jfk.wav, or of tone bursts like speech
// in rhythm when it is not there.
function speechSamples() {
  const jfk = process.env.SOUNDSCRIPTER_JFK_WAV;
  if (jfk && fs.existsSync(jfk)) {
    const bytes = fs.readFileSync(jfk);
    const at = bytes.indexOf("data", 12);
    return bytes.subarray(at + 8, at + 8 + bytes.readUInt32LE(at + 4));
  }
  const seconds = 11;
  const samples = Buffer.alloc(seconds * SAMPLE_RATE * 2);
  for (let i = 0; i < seconds * SAMPLE_RATE; i++) {
    const t = i / SAMPLE_RATE;
    const burst = Math.sin(Math.PI * ((t * 2.5) % 1)) ** 2 * (t % 3 < 2.4 ? 1 : 0);
    const tone = Math.sin(2 * Math.PI * (180 + 40 * Math.sin(t * 3)) * t) + 0.4 * Math.sin(2 * Math.PI * 900 * t);
    samples.writeInt16LE(Math.round(9000 * burst * tone), i * 2);
  }
  return samples;
}

// `seconds` of speech: the clip again and again with a second of silence between.
function speechOfLength(clip, seconds) {
  const silence = Buffer.alloc(SAMPLE_RATE * 2);
  const parts = [];
  let length = 0;
  while (length < seconds * SAMPLE_RATE * 2) {
    parts.push(clip, silence);
    length += clip.length + silence.length;
  }
  return Buffer.concat(parts).subarray(0, seconds * SAMPLE_RATE * 2);
}

function isFresh(file, input) {
  return fs.existsSync(file) && (!input || fs.statSync(file).mtimeMs >= fs.statSync(input).mtimeMs);
}

function makeModel(tool, shape, file) {
  if (isFresh(file, tool)) return;
  const partial = file + "." + process.pid + ".part";
  execFileSync(tool, ["--shape", shape, "--multilingual", "--out", partial], { stdio: "pipe" });
  fs.renameSync(partial, file);
}

export function makeTestAssets() {
  const assets = testAssets();
  fs.mkdirSync(assets.modelsDir, { recursive: true });
  const tool = process.env.SOUNDSCRIPTER_MAKE_WHISPER_MODEL;
  if (!tool || !fs.existsSync(tool)) {
    throw new Error("SOUNDSCRIPTER_MAKE_WHISPER_MODEL must name build/make_whisper_model (ctest sets it): " + tool);
  }
  // "test" is quick (a 2-minute file in about a second); "tiny" is slow
  // enough to watch a job run and cancel it.
  makeModel(tool, "test", path.join(assets.modelsDir, "ggml-test.bin"));
  makeModel(tool, "tiny", path.join(assets.modelsDir, "ggml-tiny.bin"));
  const clip = speechSamples();
  fs.writeFileSync(assets.shortWav, wavFile(clip));
  fs.writeFileSync(assets.mediumWav, wavFile(speechOfLength(clip, 40)));
  fs.writeFileSync(assets.longWav, wavFile(speechOfLength(clip, 120)));
  fs.writeFileSync(assets.notMedia, "These are notes, not audio.\n".repeat(50));
  makeVideo(assets.shortWav, assets.video);
}

// A small WebM (a plain picture with the speech) for the video player,
// made with the ffmpeg command when there is one.
function makeVideo(audio, file) {
  if (isFresh(file, audio)) return;
  try {
    execFileSync("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y",
      "-f", "lavfi", "-i", "color=c=blue:s=160x90:r=10", "-i", audio, "-shortest",
      "-c:v", "libvpx", "-b:v", "50k", "-c:a", "libopus", "-b:a", "24k", file], { stdio: "pipe" });
  } catch (error) {
    fs.rmSync(file, { force: true });  // the video test says it is skipped
  }
}
