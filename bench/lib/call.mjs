// Shared machinery of the media and voice load tools: Twilio's side of each call (webhook, Media Streams socket,
// real-time audio, playout model for marks/clear) and the Deepgram side (a sink every gateway STT socket connects
// to). The sink runs in its own worker thread, the calls in sender worker threads; the main thread drives them over
// small request/reply ports. This file is also the workers' entry point.
//
// Inbound audio frames are 160 bytes of mu-law whose first 24 bytes are a header (big-endian): ASCII "BLD1",
// uint32 call index, uint32 frame number (from 1), float64 send time in ms (now() below, one clock for all
// threads), 4 zero bytes; the rest is silence (0xFF).
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Histogram } from './stats.mjs';
import { parseTwiml, postForm, randomSid, sign, voiceParams } from './twilio.mjs';
import { connect, listen } from './ws.mjs';

/** Wall-clock ms with sub-ms resolution, comparable across worker threads. */
export const now = () => performance.timeOrigin + performance.now();
export const sleep = ms => new Promise(r => setTimeout(r, Math.max(0, ms)));

const FRAME_BYTES = 160;
const HEADER_BYTES = 24;
const MAGIC = 0x424c4431; // "BLD1"
const FRAME_MS = 20;
const MULAW_BYTES_PER_MS = 8;

// ---------- request/reply over MessagePorts (or a Worker / parentPort) ----------

/** { call(cmd, arg) → Promise } over port. */
export function rpcClient(port) {
  let seq = 0;
  const waiting = new Map();
  port.on('message', m => {
    const w = waiting.get(m.rpcId);
    if (!w) return;
    waiting.delete(m.rpcId);
    if (m.error) w.reject(new Error(m.error)); else w.resolve(m.result);
  });
  return {
    call: (cmd, arg) => new Promise((resolve, reject) => {
      const rpcId = ++seq;
      waiting.set(rpcId, { resolve, reject });
      port.postMessage({ rpcId, cmd, arg });
    }),
  };
}

function serveRpc(port, handlers) {
  port.on('message', async ({ rpcId, cmd, arg }) => {
    try {
      port.postMessage({ rpcId, result: await handlers[cmd](arg) });
    } catch (e) {
      port.postMessage({ rpcId, error: String(e?.stack || e) });
    }
  });
}

// ---------- Deepgram messages the sink sends ----------

const r3 = x => Math.round(x * 1000) / 1000;

/** A Results message for transcript, ending at audioSeconds (the audio received so far on that socket). */
function resultsMessage(transcript, audioSeconds, isFinal) {
  const duration = 1.0;
  const start = Math.max(0, audioSeconds - duration);
  const words = transcript.split(' ');
  const per = duration / words.length;
  return {
    type: 'Results', channel_index: [0, 1], duration, start: r3(start),
    is_final: isFinal, speech_final: isFinal, from_finalize: false,
    channel: {
      alternatives: [{
        transcript, confidence: 0.98,
        words: words.map((word, i) => ({
          word, start: r3(start + i * per), end: r3(start + (i + 1) * per), confidence: 0.98,
          punctuated_word: i === 0 ? word[0].toUpperCase() + word.slice(1) : word,
        })),
      }],
    },
    metadata: { request_id: crypto.randomUUID(), model_info: { name: 'nova-2', version: 'x', arch: 'x' }, model_uuid: 'x' },
  };
}

// ---------- the Deepgram sink (worker) ----------

async function runSink({ senderPorts }) {
  let server = null;
  let step = { first: 0, last: 0, winStart: 0, winEnd: 0 };
  let s; // this step's counters
  const resetCounters = () => {
    s = {
      received: 0, perCall: new Map(), reordered: 0, misrouted: 0, stale: 0, unparsed: 0, windowFrames: 0,
      stalls: 0, delay: new Histogram(), socketsOpened: 0, extraSockets: 0, authMissing: 0, texts: {},
      stallBuckets: new Map(), // frames over 20 ms (ramp and window) by the 100 ms of their send time: when
    };
  };
  resetCounters();
  const open = new Set();
  const byCall = new Map(); // call index → its latest STT socket

  function onConnection(conn) {
    open.add(conn);
    s.socketsOpened++;
    if (!/^Token \S+/.test(conn.request.headers.authorization || '')) s.authMissing++;
    conn.callIndex = -1;
    conn.bytes = 0;
    conn.onBinary = buf => {
      const t = now();
      conn.bytes += buf.length;
      // One payload per frame is expected; consecutive 160-byte frames in one message are read too.
      for (let off = 0; off + HEADER_BYTES <= buf.length; off += FRAME_BYTES) {
        if (buf.readUInt32BE(off) !== MAGIC) { s.unparsed++; break; }
        const call = buf.readUInt32BE(off + 4);
        const frameNo = buf.readUInt32BE(off + 8);
        const sentAt = buf.readDoubleBE(off + 12);
        if (conn.callIndex < 0) {
          conn.callIndex = call;
          const other = byCall.get(call);
          if (other && other !== conn && !other.closed) s.extraSockets++;
          byCall.set(call, conn);
        } else if (call !== conn.callIndex) s.misrouted++;
        if (call < step.first || call >= step.last) { s.stale++; continue; }
        s.received++;
        let c = s.perCall.get(call);
        if (!c) s.perCall.set(call, c = { received: 0, last: 0 });
        c.received++;
        if (frameNo <= c.last) s.reordered++; else c.last = frameNo;
        const delay = t - sentAt;
        if (delay > 20 && sentAt < step.winEnd) {
          // ramp included: a stall at the window's start may have begun while the calls were starting
          const at = Math.floor(sentAt / 100) * 100;
          let b = s.stallBuckets.get(at);
          if (!b) s.stallBuckets.set(at, b = { at, frames: 0, maxMs: 0, calls: new Set() });
          b.frames++;
          b.maxMs = Math.max(b.maxMs, delay);
          b.calls.add(call);
        }
        if (sentAt >= step.winStart && sentAt < step.winEnd) {
          s.delay.record(delay);
          s.windowFrames++;
          if (delay > 20) s.stalls++;
        }
      }
    };
    conn.onText = text => {
      let type = 'unreadable';
      try { type = String(JSON.parse(text).type); } catch { /* counted as unreadable */ }
      s.texts[type] = (s.texts[type] || 0) + 1;
      if (type === 'CloseStream') {
        conn.sendText(JSON.stringify({
          type: 'Metadata', transaction_key: 'deprecated', request_id: crypto.randomUUID(), sha256: '',
          created: new Date().toISOString(), duration: r3(conn.bytes / 8000), channels: 1,
        }));
        conn.close(1000);
      }
    };
    conn.onClose = () => {
      open.delete(conn);
      if (byCall.get(conn.callIndex) === conn) byCall.delete(conn.callIndex);
    };
  }

  // Sends Deepgram messages on a call's socket and answers with the time each was sent.
  const say = ({ call, kind, transcript }) => {
    const conn = byCall.get(call);
    if (!conn || conn.closed) return { error: 'no STT socket for this call yet' };
    const audio = conn.bytes / 8000;
    if (kind === 'final') {
      const msg = resultsMessage(transcript, audio, true);
      const lastEnd = msg.channel.alternatives[0].words.at(-1).end;
      const sentAt = now();
      conn.sendText(JSON.stringify(msg));
      conn.sendText(JSON.stringify({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: lastEnd }));
      return { sentAt };
    }
    const interim = JSON.stringify(resultsMessage(transcript, audio, false));
    const speechStartedAt = now();
    conn.sendText(JSON.stringify({ type: 'SpeechStarted', channel: [0], timestamp: r3(Math.max(0, audio - 1)) }));
    const interimAt = now();
    conn.sendText(interim);
    return { speechStartedAt, interimAt };
  };
  for (const port of senderPorts) serveRpc(port, { say });

  serveRpc(parentPort, {
    async listen({ port }) {
      server = await listen(port, '/v1/listen', onConnection);
      return server.port;
    },
    /** New step: calls [first, last) count; delays are kept for frames sent in [winStart, winEnd). */
    reset(next) { step = next; resetCounters(); return true; },
    received: () => s.received,
    openSockets: () => open.size,
    report: () => ({
      ...s,
      perCall: [...s.perCall].map(([call, c]) => [call, c.received]),
      // the 100 ms send-time slices with frames over 20 ms, worst first (at most 10 a second of the step)
      stallBuckets: [...s.stallBuckets.values()].sort((a, b) => b.maxMs - a.maxMs)
        .map(b => ({ at: b.at, frames: b.frames, maxMs: b.maxMs, calls: b.calls.size })),
    }),
  });
}

// ---------- one call, Twilio's side ----------

const FRAME = Buffer.alloc(FRAME_BYTES, 0xff);
FRAME.writeUInt32BE(MAGIC, 0);
FRAME.writeUInt32BE(0, 20);

/**
 * A simulated Twilio call. open() does the signed webhook (unless opts.webhook is false), connects to the media
 * URL and sends connected + start; sendMedia() sends the next 20 ms frame. Agent audio is "played" in real time:
 * each mark is echoed when the audio queued before it has played, a clear drops the queue and echoes every
 * pending mark at once.
 */
class TwilioCall {
  constructor(index, opts) {
    this.index = index;
    this.opts = opts;
    this.callSid = randomSid('CA');
    this.accountSid = randomSid('AC');
    this.streamSid = randomSid('MZ');
    this.state = 'pending'; // → opening → streaming → stopped (media off) → ended; or failed / dropped
    this.failure = null;
    this.ws = null;
    this.seq = 0;
    this.sent = 0;
    this.startedAt = 0;
    this.nextFrameAt = 0; // when the next frame is due (drift-free: the first + 20 ms per frame)
    this.playEnd = 0; // when the agent audio received so far will have played
    this.pendingMarks = []; // { name, due } in order
    this.markTimer = null;
    this.agentFrames = 0;
    this.firstAgentAt = 0;
    this.lastAgentAt = 0;
    this.arrivals = null; // agent frame arrival times, while a scenario records them
    this.marks = 0;
    this.marksEchoed = 0;
    this.clears = []; // arrival times of clear events
    this.wrongSid = 0;
    this.unreadable = 0;
    this.waiters = new Set();
    this.closed = new Promise(r => { this.onClosed = r; });
  }

  async open() {
    this.state = 'opening';
    const { url, publicUrl, mediaUrl, authToken, tenant, webhook } = this.opts;
    let parameters = { tenant };
    const headers = {};
    if (webhook) {
      const path = `/twilio/${tenant}/voice`;
      const form = voiceParams({ callSid: this.callSid, accountSid: this.accountSid });
      const res = await postForm(url + path, form, { 'X-Twilio-Signature': sign(authToken, publicUrl + path, form) });
      if (res.status !== 200) throw new Error(`webhook_${res.status}`);
      const twiml = parseTwiml(res.text);
      if (!twiml.streamUrl) throw new Error('webhook_no_stream');
      parameters = twiml.parameters;
      headers['X-Twilio-Signature'] = sign(authToken, twiml.streamUrl, {});
    }
    try {
      this.ws = await connect(mediaUrl, headers);
    } catch (e) {
      throw new Error(e.status ? `media_upgrade_${e.status}` : `media_connect_${e.code || e.message}`);
    }
    if (this.state !== 'opening') {
      this.ws.close(1000);
      throw new Error(this.failure);
    }
    this.ws.onText = text => this.onGatewayText(text);
    this.ws.onClose = code => {
      if (this.state === 'streaming' || this.state === 'stopped') {
        this.state = 'dropped';
        this.failure = `closed_by_gateway_${code}`;
      }
      clearTimeout(this.markTimer);
      this.onClosed();
      this.notify();
    };
    this.ws.sendText(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.ws.sendText(JSON.stringify({
      event: 'start', sequenceNumber: String(++this.seq), streamSid: this.streamSid,
      start: {
        accountSid: this.accountSid, streamSid: this.streamSid, callSid: this.callSid, tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, customParameters: parameters,
      },
    }));
    this.startedAt = now();
    // a random phase, as calls from a real carrier have (and as ../shared/anchors/load/media-load.mjs does): the
    // calls' frames are spread over the 20 ms period instead of all leaving on one tick
    this.nextFrameAt = this.startedAt + FRAME_MS * Math.random();
    if (this.state === 'opening') this.state = 'streaming';
  }

  /** The step ended before this call got its stream up. */
  cancel() {
    this.state = 'failed';
    this.failure = 'not_started_in_time';
  }

  sendMedia() {
    const frameNo = ++this.sent;
    FRAME.writeUInt32BE(this.index, 4);
    FRAME.writeUInt32BE(frameNo, 8);
    const t = now();
    FRAME.writeDoubleBE(t, 12);
    this.ws.sendText(`{"event":"media","sequenceNumber":"${++this.seq}","streamSid":"${this.streamSid}",`
      + `"media":{"track":"inbound","chunk":"${frameNo}","timestamp":"${Math.round(t - this.startedAt)}",`
      + `"payload":"${FRAME.toString('base64')}"}}`);
  }

  /** Sends stop and closes the socket (the gateway may close first). */
  end() {
    if (this.state === 'streaming' || this.state === 'stopped') {
      this.state = 'ended';
      this.ws.sendText(JSON.stringify({
        event: 'stop', sequenceNumber: String(++this.seq), streamSid: this.streamSid,
        stop: { accountSid: this.accountSid, callSid: this.callSid },
      }));
      this.ws.close(1000);
    }
    return this.ws && !this.ws.closed ? this.closed : Promise.resolve();
  }

  onGatewayText(text) {
    const t = now();
    let m;
    try { m = JSON.parse(text); } catch { this.unreadable++; return; }
    if (m.streamSid !== this.streamSid) this.wrongSid++;
    if (m.event === 'media') {
      const p = m.media?.payload || '';
      const bytes = (p.length * 3 >> 2) - (p.endsWith('==') ? 2 : p.endsWith('=') ? 1 : 0);
      this.agentFrames++;
      if (!this.firstAgentAt) this.firstAgentAt = t;
      this.lastAgentAt = t;
      if (this.arrivals) this.arrivals.push(t);
      this.playEnd = Math.max(t, this.playEnd) + bytes / MULAW_BYTES_PER_MS;
    } else if (m.event === 'mark') {
      this.marks++;
      this.pendingMarks.push({ name: m.mark?.name, due: Math.max(t, this.playEnd) });
      this.echoDueMarks();
    } else if (m.event === 'clear') {
      this.clears.push(t);
      this.playEnd = t;
      for (const mark of this.pendingMarks) mark.due = t;
      this.echoDueMarks();
    }
    this.notify();
  }

  /** Echoes, in order, every pending mark whose audio has played; re-arms one timer for the next. */
  echoDueMarks() {
    clearTimeout(this.markTimer);
    this.markTimer = null;
    const t = now();
    while (this.pendingMarks.length && this.pendingMarks[0].due <= t) {
      const { name } = this.pendingMarks.shift();
      if (this.ws.closed || this.ws.closeSent) continue;
      this.ws.sendText(JSON.stringify({
        event: 'mark', sequenceNumber: String(++this.seq), streamSid: this.streamSid, mark: { name },
      }));
      this.marksEchoed++;
    }
    if (this.pendingMarks.length) {
      this.markTimer = setTimeout(() => { this.echoDueMarks(); this.notify(); }, this.pendingMarks[0].due - t);
    }
  }

  /** No agent audio left to play and no mark waiting for its echo. */
  agentIdle() { return this.pendingMarks.length === 0 && this.playEnd <= now(); }

  get live() { return this.state === 'streaming' || this.state === 'stopped'; }

  /**
   * Resolves true as soon as pred() holds, false after timeoutMs or when the call is over. pred() is checked on
   * every gateway message and mark echo, and every 10 ms (for conditions that hold once time passes).
   */
  waitUntil(pred, timeoutMs) {
    if (pred()) return Promise.resolve(true);
    return new Promise(resolve => {
      const w = { pred, resolve };
      w.poll = setInterval(() => this.settle(w), 10);
      w.timer = setTimeout(() => this.settle(w, true), Math.max(0, timeoutMs));
      this.waiters.add(w);
    });
  }

  notify() {
    for (const w of this.waiters) this.settle(w);
  }

  settle(w, expired = false) {
    const held = w.pred();
    if (!held && !expired && this.live) return;
    clearInterval(w.poll);
    clearTimeout(w.timer);
    this.waiters.delete(w);
    w.resolve(held);
  }

  stats() {
    return {
      agentFrames: this.agentFrames, marks: this.marks, marksEchoed: this.marksEchoed, clears: this.clears.length,
      wrongSid: this.wrongSid, unreadable: this.unreadable,
    };
  }
}

// ---------- sender worker: a share of the calls, each frame sent when due ----------

async function runSender({ callOpts, scenarioUrl, scenarioArgs, sinkPort }) {
  const sink = rpcClient(sinkPort);
  const scenario = scenarioUrl ? (await import(scenarioUrl)).scenario : null;
  let calls = [];
  let openTimers = [];
  let scenarios = [];
  let settled = 0; // calls whose open (and scenario) has finished
  let tickLag = new Histogram(); // how late each frame left, ms after it was due

  // One 1 ms ticker walks the calls and sends every frame that is due, catching up if late (frame k of a call at its
  // first frame's time + 20k ms).
  setInterval(() => {
    const t = now();
    for (const call of calls) {
      while (call.state === 'streaming' && call.nextFrameAt <= t) {
        tickLag.record(t - call.nextFrameAt);
        call.sendMedia();
        call.nextFrameAt += FRAME_MS;
      }
    }
  }, 1);

  const ctx = {
    args: scenarioArgs,
    /** Has the sink send Deepgram messages (kind 'final' or 'bargein') on this call's STT socket. */
    async say(call, kind, transcript) {
      const until = now() + 5000;
      for (;;) {
        const r = await sink.call('say', { call: call.index, kind, transcript });
        if (!r.error || now() > until || !call.live) return r;
        await sleep(50);
      }
    },
  };

  async function openCall(call) {
    try {
      try {
        await call.open();
      } catch (e) {
        call.state = 'failed';
        call.failure = e.message;
        return null;
      }
      if (!scenario) return null;
      const result = await scenario(call, ctx);
      await call.end();
      return result;
    } finally {
      settled++;
    }
  }

  serveRpc(parentPort, {
    /** Starts calls [{ index, at }] at their absolute times. */
    open({ list }) {
      for (const { index, at } of list) {
        const call = new TwilioCall(index, callOpts);
        calls.push(call);
        openTimers.push(setTimeout(() => scenarios.push(openCall(call)), at - now()));
      }
      return true;
    },
    sent: () => calls.reduce((n, c) => n + c.sent, 0),
    /** Stops every call's audio (sockets stay open); answers with frames sent per call. */
    stopMedia() {
      for (const call of calls) if (call.state === 'streaming') call.state = 'stopped';
      return calls.map(c => [c.index, c.sent]);
    },
    /** Resolves true once every call has opened and finished its scenario, false after timeoutMs. */
    async waitScenarios({ timeoutMs }) {
      const deadline = now() + timeoutMs;
      while (settled < calls.length) {
        if (now() > deadline) return false;
        await sleep(100);
      }
      return true;
    },
    /** Ends every call (stop + close), then reports this step and forgets its calls. */
    async finish() {
      for (const t of openTimers) clearTimeout(t);
      for (const c of calls) if (c.state === 'pending' || c.state === 'opening') c.cancel();
      await Promise.race([Promise.all(calls.map(c => c.end())), sleep(5000)]);
      const results = (await Promise.all(scenarios)).filter(Boolean);
      const failures = {};
      for (const c of calls) if (c.failure) failures[c.failure] = (failures[c.failure] || 0) + 1;
      const report = {
        calls: calls.length,
        failed: calls.filter(c => c.state === 'failed').length,
        dropped: calls.filter(c => c.state === 'dropped').length,
        failures, sent: calls.reduce((n, c) => n + c.sent, 0), results, tickLag,
        twilio: calls.reduce((sum, c) => {
          for (const [k, v] of Object.entries(c.stats())) sum[k] = (sum[k] || 0) + v;
          return sum;
        }, {}),
      };
      calls = [];
      openTimers = [];
      scenarios = [];
      settled = 0;
      tickLag = new Histogram();
      return report;
    },
  });
}

// ---------- main thread: start the workers ----------

/**
 * Starts the sink worker (listening on sinkPort, 0 = any) and `senders` sender workers. callOpts: { url,
 * publicUrl, mediaUrl, authToken, tenant, webhook }. scenarioUrl (optional) names a module whose exported
 * scenario(call, ctx) runs per call after it opened; its result is returned by finish(). Resolves to
 * { sinkPort, sink, senders, startCalls, close }.
 */
export async function startBench({ sinkPort = 0, senders = 2, callOpts, scenarioUrl = null, scenarioArgs = null }) {
  const self = new URL(import.meta.url);
  const workers = [];
  const spawn = (data, transferList = []) => {
    const w = new Worker(self, { workerData: data, transferList });
    w.on('error', e => { console.error('bench worker failed:', e); process.exit(1); });
    workers.push(w);
    return w;
  };
  const channels = Array.from({ length: senders }, () => new MessageChannel());
  const sinkPorts = channels.map(c => c.port1);
  const sink = rpcClient(spawn({ benchRole: 'sink', senderPorts: sinkPorts }, sinkPorts));
  const senderClients = channels.map(c => rpcClient(spawn(
    { benchRole: 'sender', callOpts, scenarioUrl, scenarioArgs, sinkPort: c.port2 }, [c.port2])));
  const port = await sink.call('listen', { port: sinkPort });
  return {
    sinkPort: port,
    sink,
    senders: senderClients,
    /** Calls first .. first+count-1, started evenly over rampMs from startAt, dealt round-robin to the senders. */
    async startCalls(first, count, startAt, rampMs) {
      const lists = senderClients.map(() => []);
      for (let i = 0; i < count; i++) lists[i % lists.length].push({ index: first + i, at: startAt + (i * rampMs) / count });
      await Promise.all(senderClients.map((c, k) => c.call('open', { list: lists[k] })));
    },
    /** Calls cmd on every sender; resolves to their answers. */
    all: (cmd, arg) => Promise.all(senderClients.map(c => c.call(cmd, arg))),
    close: () => Promise.all(workers.map(w => w.terminate())),
  };
}

/** Adds up the senders' finish() reports. */
export function mergeReports(reports) {
  const total = { calls: 0, failed: 0, dropped: 0, failures: {}, sent: 0, results: [], tickLag: new Histogram(), twilio: {} };
  for (const r of reports) {
    total.calls += r.calls;
    total.failed += r.failed;
    total.dropped += r.dropped;
    total.sent += r.sent;
    total.results.push(...r.results);
    total.tickLag.merge(Histogram.from(r.tickLag));
    for (const [k, v] of Object.entries(r.failures)) total.failures[k] = (total.failures[k] || 0) + v;
    for (const [k, v] of Object.entries(r.twilio)) total.twilio[k] = (total.twilio[k] || 0) + v;
  }
  return total;
}

if (!isMainThread && workerData?.benchRole === 'sink') runSink(workerData);
if (!isMainThread && workerData?.benchRole === 'sender') runSender(workerData);
