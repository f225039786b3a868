#!/usr/bin/env node
// Voice-webhook throughput: closed-loop signed POSTs, one keep-alive connection per concurrent loop, each request a
// fresh CallSid (every request is a first delivery). Figures cover requests started after the warm-up and
// answered before the end; ok = 200 with a <Connect><Stream> TwiML.
import { now } from '../lib/call.mjs';
import { check, log, parseCli } from '../lib/cli.mjs';
import { r2, summarize } from '../lib/stats.mjs';
import { keepAliveAgent, parseTwiml, postForm, sign, voiceParams } from '../lib/twilio.mjs';

const USAGE = `usage: node bench/load/intake-load.mjs --url http://127.0.0.1:8080/twilio/demo/voice
         [--public-url URL signed (default --url)] [--auth-token local-dev-auth-token] [--concurrency 50]
         [--seconds 10] [--warmup-seconds 2] [--json]`;
const o = parseCli({
  url: { type: 'string' },
  'public-url': { type: 'string' },
  'auth-token': { type: 'string', default: 'local-dev-auth-token' },
  concurrency: { type: 'string', default: '50' },
  seconds: { type: 'string', default: '10' },
  'warmup-seconds': { type: 'string', default: '2' },
  json: { type: 'boolean', default: false },
}, USAGE);
const concurrency = Number(o.concurrency);
const measureMs = Number(o.seconds) * 1000;
const warmupMs = Number(o['warmup-seconds']) * 1000;
check(o.url && Number.isInteger(concurrency) && concurrency > 0 && measureMs > 0 && warmupMs >= 0, USAGE,
  'bad --url/--concurrency/--seconds/--warmup-seconds');
const signedUrl = o['public-url'] || o.url;

const agent = keepAliveAgent(o.url, concurrency);
const latencies = [];
const outcomes = {};
let warmupRequests = 0;
const measureFrom = now() + warmupMs;
const end = measureFrom + measureMs;

/** One connection's closed loop: the next request goes out when the previous answer is in. */
async function loop() {
  while (now() < end) {
    const form = voiceParams();
    const headers = { 'X-Twilio-Signature': sign(o['auth-token'], signedUrl, form) };
    const t0 = now();
    let outcome;
    try {
      const res = await postForm(o.url, form, headers, agent);
      outcome = res.status !== 200 ? String(res.status) : parseTwiml(res.text).streamUrl ? 'ok' : '200_no_stream';
    } catch (e) {
      outcome = `error_${e.code || e.message}`;
    }
    const t1 = now();
    if (t0 < measureFrom) warmupRequests++;
    else if (t1 <= end) {
      latencies.push(t1 - t0);
      outcomes[outcome] = (outcomes[outcome] || 0) + 1;
    }
  }
}

log(`${concurrency} connections, ${warmupMs / 1000} s warm-up, ${measureMs / 1000} s measured: POST ${o.url}`);
await Promise.all(Array.from({ length: concurrency }, loop));
agent.destroy();

const s = summarize(latencies);
const { ok = 0, ...nonOk } = outcomes;
const out = {
  tool: 'intake-load', url: o.url, concurrency, seconds: measureMs / 1000, warmup_requests: warmupRequests,
  requests: s.n, ok, non_ok: nonOk, rps: r2(s.n / (measureMs / 1000)),
  p50_ms: s.p50, p90_ms: s.p90, p99_ms: s.p99, max_ms: s.max,
};
if (o.json) console.log(JSON.stringify(out));
else {
  console.log(`requests=${out.requests} ok=${ok} non_ok=${JSON.stringify(nonOk)} rps=${out.rps}`
    + ` latency p50/p90/p99/max = ${s.p50}/${s.p90}/${s.p99}/${s.max} ms`);
}
