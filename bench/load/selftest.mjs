#!/usr/bin/env node
// Self-test of the load tools without the real gateway: checks the signature function against PROTOCOLS 1.2/2.1,
// the WebSocket layer (lengths, fragments, ping, close), then runs media-load, voice-load (turn, bargein) and
// intake-load as child processes against a small fake gateway in this process, and checks their reports (and
// cross-checks them with the fake's own counters). Exits 1 when any check fails.
// usage: node bench/load/selftest.mjs
import { spawn } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { sign } from '../lib/twilio.mjs';
import { connect, listen } from '../lib/ws.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const AUTH_TOKEN = 'selftest-auth-token';
const PUBLIC_BASE = 'https://gw.selftest.invalid';
const PUBLIC_MEDIA = 'wss://gw.selftest.invalid/twilio/media';
const sleep = ms => new Promise(r => setTimeout(r, ms));

let failures = 0;
function expect(ok, what, detail = '') {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail !== '' ? `  (${detail})` : ''}`);
}

// ---------- 1. X-Twilio-Signature vectors (PROTOCOLS 1.2, 2.1) ----------

function signatureVectors() {
  expect(sign('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', {
    CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212',
  }) === '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', 'signature: Twilio documented vector');
  const p = {
    AccountSid: 'AC00000000000000000000000000000000', CallSid: 'CA00000000000000000000000000000001',
    CallStatus: 'ringing', From: '+14155550100', To: '+14155550199',
  };
  expect(sign('12345', 'https://gw.example.com/voice', p) === 'effWyD/3WFZz6I0qVz1YtIKwTIc=', 'signature: no port');
  expect(sign('12345', 'https://gw.example.com:443/voice', p) === 'aoOJouCi42+nM+bP7aCf8AcpstQ=', 'signature: :443');
  expect(sign('12345', 'wss://gw.example.com/media', {}) === 'EaUrJnXeOdQbckRcqHzor+8Gtsk=', 'signature: wss upgrade');
}

// ---------- 2. WebSocket layer ----------

async function wsChecks() {
  const server = await listen(0, '/echo', conn => {
    conn.onText = t => conn.sendText(t);
    conn.onBinary = b => conn.sendBinary(b);
  });
  const c = await connect(`ws://127.0.0.1:${server.port}/echo?x=1`);
  const got = [];
  c.onText = t => got.push(t);
  c.onBinary = b => got.push(b);
  const text = 'é'.repeat(150); // 300 bytes: 16-bit length
  const big = randomBytes(70000); // 64-bit length
  c.sendText('hi');
  c.sendText(text);
  c.sendBinary(big);
  for (let i = 0; i < 100 && got.length < 3; i++) await sleep(10);
  expect(got[0] === 'hi' && got[1] === text && Buffer.isBuffer(got[2]) && got[2].equals(big),
    'ws: echo of 7-bit, 16-bit and 64-bit length frames');
  const closed = new Promise(r => { c.onClose = code => r(code); });
  c.close(1000);
  expect((await closed) === 1000, 'ws: close handshake (1000)');

  // Raw client: a text message in two masked fragments with a ping between them.
  const sock = net.connect(server.port, '127.0.0.1');
  await new Promise(r => sock.once('connect', r));
  sock.write(`GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  const masked = (b0, payload) => {
    const key = randomBytes(4);
    const out = Buffer.concat([Buffer.from([b0, 0x80 | payload.length]), key, Buffer.from(payload)]);
    for (let i = 0; i < payload.length; i++) out[6 + i] ^= key[i % 4];
    return out;
  };
  let raw = Buffer.alloc(0);
  sock.on('data', d => { raw = Buffer.concat([raw, d]); });
  await sleep(50);
  const frames = [masked(0x01, 'frag'), masked(0x89, 'pp'), masked(0x80, 'mented')];
  const bytes = Buffer.concat(frames);
  sock.write(bytes.subarray(0, 5)); // split mid-header too
  await sleep(20);
  sock.write(bytes.subarray(5));
  await sleep(100);
  const body = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
  const pong = Buffer.from([0x8a, 2, ...Buffer.from('pp')]);
  const echo = Buffer.concat([Buffer.from([0x81, 10]), Buffer.from('fragmented')]);
  expect(body.equals(Buffer.concat([pong, echo])), 'ws: pong, then fragmented message reassembled', body.toString('hex'));
  sock.destroy();
  await server.close();
}

// ---------- 3. the fake gateway ----------

/**
 * Webhook (signed, answers <Connect><Stream> with tenant + token), media socket (checks start, opens one STT
 * socket per call and forwards each payload as one binary frame), a 1 s greeting paced at 20 ms then a mark, a
 * 0.5 s reply after each final Results, and a clear on an interim of >= 2 words while the agent speaks.
 */
async function startFakeGateway({ sinkUrl, requireToken }) {
  const tokens = new Map();
  const count = { webhooks: 0, rejected: 0, starts: 0, forwarded: 0, replies: 0, clears: 0, sttOpened: 0 };
  const agentFrame = JSON.stringify(Buffer.alloc(160, 0xff).toString('base64'));

  const web = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      count.webhooks++;
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      if (req.url !== '/twilio/demo/voice'
        || req.headers['x-twilio-signature'] !== sign(AUTH_TOKEN, PUBLIC_BASE + req.url, form)) {
        count.rejected++;
        return res.writeHead(403).end();
      }
      const token = randomBytes(12).toString('base64url');
      tokens.set(form.CallSid, token);
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<?xml version="1.0" encoding="UTF-8"?>\n<Response>'
        + `<Connect><Stream url="${PUBLIC_MEDIA}"><Parameter name="tenant" value="demo"/>`
        + `<Parameter name="token" value="${token}"/></Stream></Connect><Say>Sorry.</Say><Hangup/></Response>`);
    });
  });
  await new Promise(r => web.listen(0, '127.0.0.1', r));

  const media = await listen(0, '/twilio/media', conn => {
    let streamSid = null;
    let stt = null;
    const early = []; // audio before the STT socket is up
    const pendingMarks = new Set();
    let pacing = null;
    let marks = 0;
    const send = obj => conn.sendText(JSON.stringify(obj));
    const mark = () => { const name = `m${++marks}`; pendingMarks.add(name); send({ event: 'mark', streamSid, mark: { name } }); };
    const frame = () => conn.sendText(`{"event":"media","streamSid":"${streamSid}","media":{"payload":${agentFrame}}}`);
    const greet = () => {
      let n = 0;
      pacing = setInterval(() => {
        frame();
        if (++n === 50) { clearInterval(pacing); pacing = null; mark(); }
      }, 20);
    };
    const onStt = text => {
      const m = JSON.parse(text);
      if (m.type !== 'Results') return;
      const words = m.channel.alternatives[0].transcript.split(' ').filter(Boolean);
      if (m.is_final && m.speech_final) {
        count.replies++;
        for (let i = 0; i < 25; i++) frame();
        mark();
      } else if (!m.is_final && words.length >= 2 && (pacing || pendingMarks.size)) {
        count.clears++;
        clearInterval(pacing);
        pacing = null;
        send({ event: 'clear', streamSid });
      }
    };
    const sig = conn.request.headers['x-twilio-signature'];
    conn.onText = text => {
      const m = JSON.parse(text);
      if (m.event === 'start') {
        const p = m.start.customParameters;
        if (p.tenant !== 'demo' || (requireToken && tokens.get(m.start.callSid) !== p.token)
          || (sig !== undefined && sig !== sign(AUTH_TOKEN, PUBLIC_MEDIA, {}))) return conn.close(1008, 'bad start');
        count.starts++;
        streamSid = m.start.streamSid;
        connect(sinkUrl, { Authorization: 'Token selftest-key' }).then(ws => {
          count.sttOpened++;
          stt = ws;
          stt.onText = onStt;
          for (const b of early) stt.sendBinary(b);
          count.forwarded += early.length;
          early.length = 0;
          if (conn.closed) stt.close(1000);
        });
        greet();
      } else if (m.event === 'media') {
        const audio = Buffer.from(m.media.payload, 'base64');
        if (stt) { stt.sendBinary(audio); count.forwarded++; } else early.push(audio);
      } else if (m.event === 'mark') {
        pendingMarks.delete(m.mark.name);
      } else if (m.event === 'stop') {
        conn.close(1000);
      }
    };
    conn.onClose = () => {
      clearInterval(pacing);
      if (stt) { stt.sendText('{"type":"CloseStream"}'); stt.close(1000); }
    };
  });
  return {
    url: `http://127.0.0.1:${web.address().port}`, mediaUrl: `ws://127.0.0.1:${media.port}/twilio/media`, count,
    close: async () => { web.closeAllConnections(); await new Promise(r => web.close(r)); await media.close(); },
  };
}

// ---------- 4. the tools ----------

const freePort = () => new Promise(r => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => r(port)); });
});

/** Runs a tool with --json; resolves to its stdout JSON lines (stderr passes through, indented). */
function runTool(name, args) {
  console.log(`\n$ node bench/load/${name} ${args.join(' ')}`);
  return new Promise(resolve => {
    const child = spawn(process.execPath, [HERE + name, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => { out += d; });
    let err = '';
    child.stderr.on('data', d => {
      const lines = (err + d).split('\n');
      err = lines.pop();
      for (const l of lines) console.log(`    ${l}`);
    });
    child.on('close', code => {
      const lines = out.split('\n').filter(Boolean).map(l => JSON.parse(l));
      for (const l of lines) console.log(`  ${JSON.stringify(l)}`);
      expect(code === 0, `${name} exited 0`, code);
      resolve(lines);
    });
  });
}

const gatewayArgs = (gw, sinkPort) => ['--url', gw.url, '--public-url', PUBLIC_BASE, '--media-url', gw.mediaUrl,
  '--auth-token', AUTH_TOKEN, '--sink-port', String(sinkPort), '--wait-seconds', '5'];

async function mediaLoad(gw, sinkPort) {
  const before = gw.count.forwarded;
  const lines = await runTool('media-load.mjs', [...gatewayArgs(gw, sinkPort), '--steps', '5,10', '--step-seconds', '3',
    '--ramp-seconds', '1', '--target-pid', String(process.pid), '--on-step-cmd', 'echo calls=$CALLS']);
  const steps = lines.filter(l => !l.summary);
  const summary = lines.find(l => l.summary);
  expect(steps.length === 2, 'media-load: two step reports');
  for (const r of steps) {
    const tag = `media-load ${r.calls} calls:`;
    expect(r.ok === true, `${tag} ok`);
    expect(r.lost === 0 && r.reordered === 0 && r.misrouted === 0 && r.calls_with_loss === 0, `${tag} nothing lost,`
      + ' reordered or misrouted', `lost ${r.lost}, reordered ${r.reordered}, misrouted ${r.misrouted}`);
    expect(r.calls_failed === 0 && r.calls_dropped === 0, `${tag} every call up`, JSON.stringify(r.failures));
    // Each call streams its share of the 1 s ramp plus the 3 s window: 150..200 frames.
    expect(r.frames_sent >= r.calls * 150 && r.frames_sent <= r.calls * 205, `${tag} real-time frame count`,
      `${r.frames_sent} sent`);
    expect(r.window_frames >= r.calls * 145, `${tag} window frames measured`, r.window_frames);
    expect(r.delay_p50_ms > 0 && r.delay_p99_ms < 20 && r.delay_max_ms >= r.delay_p99_ms, `${tag} delays measured`,
      `p50 ${r.delay_p50_ms}, p99 ${r.delay_p99_ms}, max ${r.delay_max_ms} ms`);
    expect(r.marks_echoed === r.calls && r.agent_frames === r.calls * 50, `${tag} greeting played, marks echoed`,
      `${r.agent_frames} frames, ${r.marks_echoed} echoes`);
    expect(r.stt_sockets === r.calls && r.stt_sockets_left === 0 && r.stt_auth_missing === 0,
      `${tag} one STT socket per call, all closed`, `${r.stt_sockets} opened, ${r.stt_sockets_left} left`);
    expect(r.cpu_us_per_frame > 0, `${tag} cpu per frame measured`, r.cpu_us_per_frame);
    expect(r.on_step_output === `calls=${r.calls}` && r.on_step_exit === 0, `${tag} on-step-cmd output`, r.on_step_output);
  }
  expect(summary?.capacity === 10, 'media-load: capacity 10', summary?.capacity);
  const received = steps.reduce((n, r) => n + r.frames_received, 0);
  expect(gw.count.forwarded - before === received, 'media-load: frames received = frames the fake forwarded',
    `${received} vs ${gw.count.forwarded - before}`);
}

async function mediaLoadFailures(gw, sinkPort) {
  const args = gatewayArgs(gw, sinkPort);
  args[args.indexOf('--auth-token') + 1] = 'wrong-token';
  const [r, summary] = await runTool('media-load.mjs', [...args, '--steps', '2', '--step-seconds', '1', '--ramp-seconds', '0']);
  expect(r?.ok === false && r.calls_failed === 2 && r.failures.webhook_403 === 2 && summary?.capacity === 0,
    'media-load: a rejected webhook fails the step', JSON.stringify(r?.failures));
}

async function mediaLoadNoWebhook(gw, sinkPort) {
  const [r] = await runTool('media-load.mjs', [...gatewayArgs(gw, sinkPort), '--no-webhook', '--steps', '5',
    '--step-seconds', '2', '--ramp-seconds', '0.5']);
  expect(r?.ok === true && r.lost === 0 && r.frames_received > 0 && gw.count.webhooks === 0,
    'media-load --no-webhook: bare relay step ok, no webhook posted', `lost ${r?.lost}`);
}

async function voiceTurn(gw, sinkPort) {
  const [r] = await runTool('voice-load.mjs', [...gatewayArgs(gw, sinkPort), '--mode', 'turn', '--calls', '5',
    '--turns', '3', '--ramp-seconds', '1']);
  expect(r?.n === 15 && r.timeouts === 0 && r.no_greeting === 0 && r.replies_unfinished === 0,
    'voice-load turn: 15 replies, no timeout', `n ${r?.n}, timeouts ${r?.timeouts}`);
  expect(r?.p50_ms > 0 && r.max_ms < 1000, 'voice-load turn: latency measured', `p50 ${r?.p50_ms}, max ${r?.max_ms} ms`);
  expect(r?.calls_failed === 0 && r.clears === 0 && r.lost === 0 && r.all_finished, 'voice-load turn: calls clean');
}

async function voiceBargeIn(gw, sinkPort) {
  const clears = gw.count.clears;
  const [r] = await runTool('voice-load.mjs', [...gatewayArgs(gw, sinkPort), '--mode', 'bargein', '--calls', '5',
    '--ramp-seconds', '1']);
  expect(r?.n === 5 && r.missed === 0 && r.no_opportunity === 0, 'voice-load bargein: 5 clears seen', `n ${r?.n}`);
  expect(r?.p50_ms > 0 && r.from_speech_started.p50_ms >= r.p50_ms, 'voice-load bargein: latency measured',
    `p50 ${r?.p50_ms} ms`);
  expect(r?.frames_after_clear === 0, 'voice-load bargein: no agent audio after clear', r?.frames_after_clear);
  expect(r?.clears === gw.count.clears - clears, 'voice-load bargein: clears = the fake sent', r?.clears);
}

async function intakeLoad(gw) {
  const before = gw.count.webhooks;
  const [r] = await runTool('intake-load.mjs', ['--url', `${gw.url}/twilio/demo/voice`, '--public-url',
    `${PUBLIC_BASE}/twilio/demo/voice`, '--auth-token', AUTH_TOKEN, '--concurrency', '10', '--seconds', '2',
    '--warmup-seconds', '0.5']);
  expect(r?.requests > 0 && r.ok === r.requests && Object.keys(r.non_ok).length === 0, 'intake-load: all ok',
    `${r?.ok}/${r?.requests}`);
  expect(r?.rps > 0 && r.p50_ms > 0 && r.p99_ms >= r.p50_ms, 'intake-load: rps and latency', `${r?.rps} rps`);
  expect(gw.count.webhooks - before >= r?.requests + r?.warmup_requests, 'intake-load: the fake saw every request');
}

signatureVectors();
await wsChecks();
const sinkPort = await freePort();
const gw = await startFakeGateway({ sinkUrl: `ws://127.0.0.1:${sinkPort}/v1/listen?encoding=mulaw`, requireToken: true });
await mediaLoad(gw, sinkPort);
await mediaLoadFailures(gw, sinkPort);
await voiceTurn(gw, sinkPort);
await voiceBargeIn(gw, sinkPort);
await intakeLoad(gw);
await gw.close();
const bare = await startFakeGateway({ sinkUrl: `ws://127.0.0.1:${sinkPort}/v1/listen`, requireToken: false });
await mediaLoadNoWebhook(bare, sinkPort);
await bare.close();
console.log(failures ? `\nselftest: ${failures} check(s) FAILED` : '\nselftest: all checks passed');
process.exit(failures ? 1 : 0);
