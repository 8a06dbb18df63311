// The official OpenAI Node client, unchanged, against a SoundScripter server:
//
//   node roundtrip.mjs BASE_URL AUDIO_FILE     (OPENAI_API_KEY: the server's key, if it has keys)
//
// Each check prints "ok NAME" or "FAIL NAME: why"; the exit status is the
// number of failures. tests/integration/service_openai_client_test.cpp runs it
// against a real `soundscripter serve`; `npm ci --prefix tests/openai-client`
// (scripts/setup does it) installs the pinned client.
import fs from 'node:fs';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const [baseURL, file] = process.argv.slice(2);
if (!baseURL || !file) {
  console.error('usage: node roundtrip.mjs BASE_URL AUDIO_FILE');
  process.exit(2);
}

const client = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY || 'no-key-needed',
  baseURL: `${baseURL}/v1`,
  maxRetries: 0,
  timeout: 300_000,
});
const audio = () => fs.createReadStream(file);

let failures = 0;
async function check(name, body) {
  try {
    await body();
    console.log(`ok ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

await check('json', async () => {
  const result = await client.audio.transcriptions.create({ file: audio(), model: 'whisper-1' });
  assert.equal(typeof result.text, 'string');
  assert.ok(result.text.length > 0, 'empty text');
});

await check('text', async () => {
  const result = await client.audio.transcriptions.create({
    file: audio(), model: 'whisper-1', response_format: 'text',
  });
  assert.equal(typeof result, 'string', `a ${typeof result}, not a string`);
  assert.ok(result.trim().length > 0, 'empty text');
});

await check('verbose_json', async () => {
  const result = await client.audio.transcriptions.create({
    file: audio(), model: 'whisper-1', response_format: 'verbose_json',
    timestamp_granularities: ['word', 'segment'], language: 'en', temperature: 0,
  });
  assert.equal(typeof result.text, 'string');
  assert.equal(typeof result.language, 'string');
  assert.ok(Math.abs(result.duration - 11) < 0.5, `duration ${result.duration}`);
  assert.ok(Array.isArray(result.segments) && result.segments.length > 0, 'no segments');
  for (const segment of result.segments) {
    assert.equal(typeof segment.start, 'number');
    assert.equal(typeof segment.end, 'number');
    assert.ok(segment.end >= segment.start, `segment ${segment.id} ends before it starts`);
    assert.equal(typeof segment.text, 'string');
  }
  assert.ok(Array.isArray(result.words), 'no words though word timestamps were asked for');
});

await check('srt', async () => {
  const result = await client.audio.transcriptions.create({
    file: audio(), model: 'whisper-1', response_format: 'srt',
  });
  assert.equal(typeof result, 'string');
  assert.match(result, /^1\r?\n\d\d:\d\d:\d\d,\d\d\d --> /);
});

await check('vtt', async () => {
  const result = await client.audio.transcriptions.create({
    file: audio(), model: 'whisper-1', response_format: 'vtt',
  });
  assert.equal(typeof result, 'string');
  assert.match(result, /^WEBVTT/);
});

await check('stream', async () => {
  const stream = await client.audio.transcriptions.create({
    file: audio(), model: 'whisper-1', stream: true,
  });
  const types = [];
  let deltas = '';
  let done;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'transcript.text.delta') deltas += event.delta;
    if (event.type === 'transcript.text.done') done = event;
  }
  assert.ok(types.includes('transcript.text.delta'), `no delta in ${types.join(', ')}`);
  assert.equal(types.at(-1), 'transcript.text.done', `last of ${types.join(', ')}`);
  assert.equal(typeof done.text, 'string');
  assert.equal(done.text.trim(), deltas.trim(), 'the deltas do not add up to the text');
});

await check('translation', async () => {
  const result = await client.audio.translations.create({ file: audio(), model: 'whisper-1' });
  assert.equal(typeof result.text, 'string');
});

await check('error', async () => {
  await assert.rejects(
    client.audio.transcriptions.create({ file: audio(), model: 'whisper-1', response_format: 'docx' }),
    (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError, `${error?.constructor?.name}: ${error}`);
      assert.equal(error.status, 400);
      assert.match(error.message, /response_format/);
      return true;
    });
});

process.exit(failures);
