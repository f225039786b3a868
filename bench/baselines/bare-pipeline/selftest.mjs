// Self test of bare-pipeline.jar, Node 20 built-ins only: a minimal WebSocket client/server, a fake Deepgram and fake
// Twilio callers. Spawns the jar itself (on loopback, random ports), runs the scenario, exits non-zero on any failure.
// Usage: node selftest.mjs relay JAR
//        node selftest.mjs pipeline JAR REDIS_PORT TTS_KEY TTS_FILE      (TTS_KEY must hold TTS_FILE's bytes)
//        node selftest.mjs pipeline-llm JAR REDIS_PORT TTS_KEY TTS_FILE  (the same, each turn asking a fake LLM first)
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const [mode, jar, redisPort, ttsKey, ttsFile] = process.argv.slice(2);
const HOST = '127.0.0.1';
const TIMEOUT_MS = 5000;
const DG_KEY = 'selftest-key';
const LLM_KEY = 'selftest-llm-key';
const TURN_TRANSCRIPTS = ['for two', 'at seven', 'thanks', 'one more thing']; // the turns pipelineCall plays

// ---------- minimal WebSocket (RFC 6455): one class for both ends ----------

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key) => crypto.createHash('sha1').update(key + GUID).digest('base64');
const OP = { cont: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

/** One WebSocket connection. Incoming messages queue up as {kind: 'text'|'binary'|'close', data}; next() awaits one. */
class Ws {
  constructor(socket, masking, head) {
    this.socket = socket;
    this.masking = masking; // a client masks what it sends
    this.buf = Buffer.alloc(0);
    this.fragments = null;
    this.inbox = [];
    this.waiters = [];
    this.closeSent = false;
    socket.setNoDelay(true);
    socket.on('data', (d) => this.feed(d));
    socket.on('error', () => {});
    socket.on('close', () => this.deliver({ kind: 'close', data: Buffer.alloc(0) }));
    if (head && head.length) this.feed(head);
  }

  feed(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length < 2) return;
      const fin = (this.buf[0] & 0x80) !== 0, op = this.buf[0] & 0x0f, masked = (this.buf[1] & 0x80) !== 0;
      let len = this.buf[1] & 0x7f, at = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); at = 4; }
      else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); at = 10; }
      const key = masked ? this.buf.subarray(at, at + 4) : null;
      if (masked) at += 4;
      if (this.buf.length < at + len) return;
      const payload = Buffer.from(this.buf.subarray(at, at + len));
      if (key) for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
      this.buf = this.buf.subarray(at + len);
      this.frame(fin, op, payload);
    }
  }

  frame(fin, op, payload) {
    if (op === OP.ping) return this.write(OP.pong, payload);
    if (op === OP.pong) return;
    if (op === OP.close) {
      if (!this.closeSent) this.write(OP.close, payload.subarray(0, 2));
      this.closeSent = true;
      this.socket.end();
      return this.deliver({ kind: 'close', data: payload });
    }
    if (op !== OP.cont) this.fragments = { op, parts: [] };
    this.fragments.parts.push(payload);
    if (!fin) return;
    const data = Buffer.concat(this.fragments.parts);
    this.deliver({ kind: this.fragments.op === OP.text ? 'text' : 'binary', data });
    this.fragments = null;
  }

  deliver(msg) {
    if (this.closed) return;
    if (msg.kind === 'close') this.closed = true;
    const w = this.waiters.shift();
    if (w) w(msg); else this.inbox.push(msg);
  }

  /** The next message, or a rejection after TIMEOUT_MS naming `what` was awaited. */
  next(what) {
    if (this.inbox.length) return Promise.resolve(this.inbox.shift());
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(done), 1);
        reject(new Error(`timed out waiting for ${what}`));
      }, TIMEOUT_MS);
      const done = (m) => { clearTimeout(t); resolve(m); };
      this.waiters.push(done);
    });
  }

  write(op, payload) {
    if (this.socket.destroyed) return;
    const len = payload.length;
    const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
    const head = Buffer.alloc(2 + ext + (this.masking ? 4 : 0));
    head[0] = 0x80 | op;
    head[1] = (this.masking ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
    if (ext === 2) head.writeUInt16BE(len, 2);
    if (ext === 8) head.writeBigUInt64BE(BigInt(len), 2);
    let body = payload;
    if (this.masking) {
      const key = crypto.randomBytes(4);
      key.copy(head, 2 + ext);
      body = Buffer.from(payload);
      for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
    }
    this.socket.write(Buffer.concat([head, body]));
  }

  sendText(s) { this.write(OP.text, Buffer.from(s)); }
  sendJson(o) { this.sendText(JSON.stringify(o)); }
  close() { if (!this.closeSent) { this.closeSent = true; this.write(OP.close, Buffer.from([0x03, 0xe8])); } }
}

function wsServer(onConnection) {
  const server = http.createServer((req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
      + `Sec-WebSocket-Accept: ${accept(req.headers['sec-websocket-key'])}\r\n\r\n`);
    onConnection(new Ws(socket, false, head), req);
  });
  return new Promise((resolve) => server.listen(0, HOST, () => resolve(server)));
}

function wsConnect(url) {
  const u = new URL(url);
  const key = crypto.randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' } });
    req.on('upgrade', (res, socket, head) => {
      if (res.headers['sec-websocket-accept'] !== accept(key)) reject(new Error('bad Sec-WebSocket-Accept'));
      else resolve(new Ws(socket, true, head));
    });
    req.on('response', (res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

// ---------- fakes ----------

function check(ok, what) { if (!ok) throw new Error(what); }

/**
 * Fake Deepgram. Every STT socket must carry the API key; its first audio frame tells which call it belongs to, so
 * concurrent calls spread over several event loops each get their own socket: sttFor(firstFrame) awaits it.
 */
async function fakeDeepgram() {
  const byFirstFrame = new Map();
  const waiting = new Map();
  const server = await wsServer(async (ws, req) => {
    const auth = req.headers.authorization;
    const first = await ws.next('the first audio frame on a new STT socket');
    const id = first.data.toString('hex');
    const stt = { ws, url: req.url, auth, first };
    const w = waiting.get(id);
    if (w) { waiting.delete(id); w(stt); } else byFirstFrame.set(id, stt);
  });
  return {
    port: server.address().port,
    close: () => server.close(),
    sttFor(firstFrame) {
      const id = firstFrame.toString('hex');
      if (byFirstFrame.has(id)) return Promise.resolve(byFirstFrame.get(id));
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no STT socket received this call\'s first frame')), TIMEOUT_MS);
        waiting.set(id, (s) => { clearTimeout(t); resolve(s); });
      });
    },
  };
}

/** One fake Twilio caller: sends the Media Streams events, reads what the gateway sends back. */
class Caller {
  constructor(ws, n) {
    this.ws = ws;
    this.seq = 0;
    this.streamSid = 'MZ' + crypto.randomBytes(16).toString('hex');
    this.callSid = 'CA' + crypto.randomBytes(16).toString('hex');
    this.n = n;
  }
  send(event, body) { this.ws.sendJson({ event, sequenceNumber: String(++this.seq), streamSid: this.streamSid, ...body }); }
  start() {
    this.ws.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send('start', { start: { accountSid: 'AC' + '0'.repeat(32), streamSid: this.streamSid, callSid: this.callSid, tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, customParameters: { tenant: 'demo' } } });
  }
  media(bytes) { this.send('media', { media: { track: 'inbound', chunk: String(this.seq), timestamp: String(this.seq * 20), payload: bytes.toString('base64') } }); }
  mark(name) { this.send('mark', { mark: { name } }); }
  stop() { this.send('stop', { stop: { accountSid: 'AC' + '0'.repeat(32), callSid: this.callSid } }); }

  /** The next message from the gateway, parsed; it must be a text frame for this stream. */
  async next(what) {
    const m = await this.ws.next(`${what} (call ${this.n})`);
    check(m.kind === 'text', `call ${this.n}: expected a text frame (${what}), got ${m.kind}`);
    const msg = JSON.parse(m.data.toString());
    check(msg.streamSid === this.streamSid, `call ${this.n}: wrong streamSid in ${m.data}`);
    return msg;
  }
}

async function expectAudio(stt, frames, what) {
  for (const f of frames) {
    const m = await stt.ws.next(what);
    check(m.kind === 'binary', `${what}: expected a binary frame, got ${m.kind} ${m.data}`);
    check(m.data.equals(f), `${what}: frame bytes differ or out of order`);
  }
}

async function expectSttClosed(stt, n) {
  const m = await stt.ws.next(`CloseStream (call ${n})`);
  check(m.kind === 'text' && JSON.parse(m.data).type === 'CloseStream', `call ${n}: expected CloseStream, got ${m.kind} ${m.data}`);
  check((await stt.ws.next(`STT close (call ${n})`)).kind === 'close', `call ${n}: STT socket not closed after CloseStream`);
}

function checkHandshake(stt, n, queryParts) {
  check(stt.auth === `Token ${DG_KEY}`, `call ${n}: STT Authorization header is ${stt.auth}`);
  for (const q of queryParts) check(stt.url.includes(q), `call ${n}: STT URL ${stt.url} lacks ${q}`);
}

const frames = (count) => Array.from({ length: count }, () => crypto.randomBytes(160));

// ---------- scenarios ----------

/** Relay: audio sent before the STT socket is open is queued; bytes and order kept; empty payloads never sent. */
async function relayCall(mediaUrl, dg, n) {
  const caller = new Caller(await wsConnect(mediaUrl), n);
  const audio = frames(5);
  caller.start();
  caller.media(audio[0]);
  caller.media(Buffer.alloc(0)); // must not reach Deepgram
  caller.ws.sendText('not json'); // malformed frames are dropped and the call goes on
  caller.send('media', { media: { payload: '%%%' } });
  caller.send('media', {});
  for (const f of audio.slice(1)) caller.media(f);
  const stt = await dg.sttFor(audio[0]);
  checkHandshake(stt, n, ['encoding=mulaw', 'sample_rate=8000']);
  await expectAudio(stt, audio.slice(1), `relayed audio (call ${n})`);
  stt.ws.sendJson(results('i would like a table', true, true)); // a relay ignores transcripts
  const late = frames(1);
  caller.media(late[0]);
  await expectAudio(stt, late, `audio after a transcript (call ${n})`);
  caller.stop();
  await expectSttClosed(stt, n);
  caller.ws.close();
  check((await caller.ws.next(`Twilio close (call ${n})`)).kind === 'close', `call ${n}: relay sent something to Twilio`);
}

function results(transcript, isFinal, speechFinal) {
  return { type: 'Results', channel_index: [0, 1], duration: 1.0, start: 0.0, is_final: isFinal, speech_final: speechFinal,
    channel: { alternatives: [{ transcript, confidence: 0.9, words: [] }] } };
}

/** Pipeline: greeting, turns from final transcripts, barge-in only while a mark is pending. */
async function pipelineCall(mediaUrl, dg, tts, n) {
  const caller = new Caller(await wsConnect(mediaUrl), n);
  const expectTurn = async (what, name) => {
    const audio = [];
    for (let i = 0; i * 160 < tts.length; i++) {
      const msg = await caller.next(`${what}: media frame ${i + 1}`);
      check(msg.event === 'media', `call ${caller.n}: ${what}: expected media, got ${JSON.stringify(msg)}`);
      audio.push(Buffer.from(msg.media.payload, 'base64'));
    }
    check(audio.every((a) => a.length === 160) && Buffer.concat(audio).equals(tts), `call ${n}: ${what}: audio differs from the TTS key`);
    const mark = await caller.next(`${what}: mark`);
    check(mark.event === 'mark' && mark.mark.name === name, `call ${n}: ${what}: expected mark ${name}, got ${JSON.stringify(mark)}`);
  };
  const expectClear = async (what) => {
    const msg = await caller.next(what);
    check(msg.event === 'clear', `call ${n}: ${what}: expected clear, got ${JSON.stringify(msg)}`);
  };

  const audio = frames(3);
  caller.start();
  caller.media(audio[0]);
  caller.media(Buffer.alloc(0));
  for (const f of audio.slice(1)) caller.media(f);
  const stt = await dg.sttFor(audio[0]);
  checkHandshake(stt, n, ['encoding=mulaw', 'interim_results=true', 'vad_events=true']);
  await expectAudio(stt, audio.slice(1), `relayed audio (call ${n})`);
  const dgSend = (o) => stt.ws.sendJson(o);

  await expectTurn('greeting', 'm1');
  caller.mark('m1'); // played out: no longer pending
  const sync = frames(1); // once Deepgram has this frame, the gateway has read the mark echo before it
  caller.media(sync[0]);
  await expectAudio(stt, sync, `audio after the mark echo (call ${n})`);

  dgSend(results('wait stop please', false, false)); // nothing pending: no clear
  dgSend(results('i would like a table', true, false)); // final but not speech_final: no turn
  dgSend(results('', true, true)); // empty: no turn
  dgSend(results('for two', true, true));
  await expectTurn('turn after a final transcript (an interim before it must not clear)', 'm2');
  dgSend({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: 2.0 });
  dgSend(results('okay', false, false)); // one word: not a barge-in
  dgSend(results('at seven', true, true)); // two turns in a row: two GETs pipelined on one Redis connection
  dgSend(results('thanks', true, true));
  await expectTurn('first of two turns (a one-word interim before it must not clear)', 'm3');
  await expectTurn('second of two turns', 'm4');

  dgSend(results('wait stop please', false, false));
  await expectClear('barge-in by a two-word interim');
  dgSend({ type: 'SpeechStarted', channel: [0, 1], timestamp: 3.0 }); // the clear dropped every pending mark: no clear
  dgSend(results('one more thing', true, true));
  await expectTurn('turn after a clear (SpeechStarted before it must not clear)', 'm5');
  ['m2', 'm3', 'm4'].forEach((m) => caller.mark(m)); // Twilio echoes cleared marks; they settle nothing (m5 stays pending)
  dgSend({ type: 'SpeechStarted', channel: [0, 1], timestamp: 4.0 });
  await expectClear('barge-in by SpeechStarted');

  caller.stop();
  await expectSttClosed(stt, n);
  caller.ws.close();
}

/** A fake OpenAI-style LLM: records each chat completion request, answers with a short SSE stream. */
async function fakeLlm() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const body = [];
    req.on('data', (d) => body.push(d));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(Buffer.concat(body)) });
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('data: {"choices":[{"index":0,"delta":{"content":"Sure."}}]}\n\ndata: [DONE]\n\n');
    });
  });
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  return { url: `http://${HOST}:${server.address().port}/openai/v1`, requests, close: () => server.close() };
}

/** Every turn asked the LLM once, streamed, with the key and the caller's words; the greeting did not. */
function checkLlmRequests(requests, calls) {
  check(requests.length === calls * TURN_TRANSCRIPTS.length,
    `LLM: expected ${calls * TURN_TRANSCRIPTS.length} requests (one per turn, none for the greeting), got ${requests.length}`);
  for (const r of requests) {
    check(r.method === 'POST' && r.url === '/openai/v1/chat/completions' && r.auth === `Bearer ${LLM_KEY}`
      && r.body.stream === true && typeof r.body.model === 'string', `LLM: unexpected request ${JSON.stringify(r)}`);
  }
  const asked = requests.map((r) => r.body.messages.at(-1)).map((m) => `${m.role}:${m.content}`).sort();
  const expected = Array.from({ length: calls }, () => TURN_TRANSCRIPTS.map((t) => `user:${t}`)).flat().sort();
  check(JSON.stringify(asked) === JSON.stringify(expected), `LLM: asked ${JSON.stringify(asked)}`);
}

// ---------- run ----------

function freePort() {
  return new Promise((resolve) => { const s = net.createServer().listen(0, HOST, () => { const p = s.address().port; s.close(() => resolve(p)); }); });
}

/** Starts the jar and resolves once it prints its ready line. */
function startJar(env) {
  const child = spawn('java', ['-jar', jar], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('bare-pipeline did not print its ready line')), 20_000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const printed = mode === 'pipeline-llm' ? 'pipeline+llm' : mode;
      if (out.includes(`bare-pipeline listening on ${HOST}:${env.MEDIA_PORT} mode=${printed}`)) { clearTimeout(t); resolve(child); }
    });
    child.on('exit', (code) => reject(new Error(`bare-pipeline exited (${code}) before it was ready: ${out}`)));
  });
}

async function main() {
  check(['relay', 'pipeline', 'pipeline-llm'].includes(mode),
    'usage: node selftest.mjs relay|pipeline|pipeline-llm JAR [REDIS_PORT TTS_KEY TTS_FILE]');
  const dg = await fakeDeepgram();
  const llm = mode === 'pipeline-llm' ? await fakeLlm() : null;
  const mediaPort = await freePort();
  const env = { MODE: mode === 'relay' ? 'relay' : 'pipeline', MEDIA_HOST: HOST, MEDIA_PORT: String(mediaPort), DEEPGRAM_URL: `ws://${HOST}:${dg.port}/v1/listen`, DEEPGRAM_API_KEY: DG_KEY };
  if (mode !== 'relay') Object.assign(env, { REDIS_HOST: HOST, REDIS_PORT: redisPort, TTS_KEY: ttsKey });
  if (llm) Object.assign(env, { LLM_URL: llm.url, LLM_API_KEY: LLM_KEY });
  const child = await startJar(env);
  try {
    const mediaUrl = `ws://${HOST}:${mediaPort}/twilio/media`;
    const calls = mode === 'relay' ? 4 : 3; // more calls than event loops, so calls share a loop (and its Redis connection)
    const tts = mode === 'relay' ? null : fs.readFileSync(ttsFile);
    await Promise.all(Array.from({ length: calls }, (_, i) =>
      mode === 'relay' ? relayCall(mediaUrl, dg, i + 1) : pipelineCall(mediaUrl, dg, tts, i + 1)));
    if (llm) checkLlmRequests(llm.requests, calls);
    console.log(`selftest ${mode}: ${calls} concurrent calls ok`);
  } finally {
    child.kill();
    dg.close();
    llm?.close();
  }
}

main().then(() => process.exit(0), (e) => { console.error(`selftest ${mode} FAILED: ${e.message}`); process.exit(1); });
