// A real `soundscripter serve` for the browser tests: its own data folder,
// a port of its own that stays the same across restarts (the page must
// find the server again), random-weight Whisper models, and its log kept
// for the failure message.

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { testAssets } from "./assets.js";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function binary() {
  const file = process.env.SOUNDSCRIPTER_BINARY;
  if (!file || !fs.existsSync(file)) {
    throw new Error("SOUNDSCRIPTER_BINARY must name the built soundscripter (ctest sets it): " + file);
  }
  return file;
}

// The environment without the caller's SOUNDSCRIPTER_* settings, which
// would change the server under test.
function cleanEnvironment(extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("SOUNDSCRIPTER_")) env[name] = value;
  }
  return { ...env, ...extra };
}

export class Serve {
  // args: more `serve` flags; apiKeys: ["name: key", ...] for --api-keys-file.
  constructor({ args = [], apiKeys = null } = {}) {
    this.args = args;
    this.apiKeys = apiKeys;
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "soundscripter-web-"));
    this.port = 0;
    this.process = null;
    this.log = "";
  }

  get baseURL() {
    return "http://127.0.0.1:" + this.port + "/";
  }

  async start() {
    const assets = testAssets();
    if (!this.port) this.port = await freePort();
    const args = [
      "serve", "--port", String(this.port), "--data-dir", path.join(this.root, "data"),
      "--model", "test", "--workers", "1", "--threads-per-job", "1", "--log-level", "warn",
      "--shutdown-grace", "1s", ...this.args,
    ];
    if (this.apiKeys) {
      const keys = path.join(this.root, "keys");
      fs.writeFileSync(keys, this.apiKeys.join("\n") + "\n");
      args.push("--api-keys-file", keys);
    }
    const child = spawn(binary(), args, {
      env: cleanEnvironment({ SOUNDSCRIPTER_MODELS_DIR: assets.modelsDir }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.process = child;
    const collect = (chunk) => {
      this.log = (this.log + chunk.toString()).slice(-20000);
    };
    child.stderr.on("data", collect);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("serve did not start in 20 s:\n" + this.log)), 20000);
      child.stdout.on("data", (chunk) => {
        collect(chunk);
        if (/listening on http:\/\//.test(this.log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error("serve exited with " + code + ":\n" + this.log));
      });
    });
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    this.process = null;
  }

  // Stopped and started again on the same port with the same data.
  async restart() {
    await this.stop();
    await this.start();
  }

  async dispose() {
    await this.stop();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
