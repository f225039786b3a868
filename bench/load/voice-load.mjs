#!/usr/bin/env node
// Conversation latency: N concurrent calls set up like media-load (signed webhook, Media Streams socket with 20 ms
// real-time audio, the tool as the gateway's Deepgram endpoint), each playing a short script through the STT sink.
//   --mode turn:    after the greeting has played, K times: the sink sends a final Results + UtteranceEnd; latency =
//                   that send → the first agent media frame on the call's Twilio socket; then the reply plays out.
//   --mode bargein: 300 ms into the greeting (its mark still pending) the sink sends SpeechStarted + an interim
//                   Results; latency = that send → the clear on the Twilio socket.
// This file is also loaded in the sender workers, for scenario().
import { isMainThread } from 'node:worker_threads';
import { mergeReports, now, sleep, startBench } from '../lib/call.mjs';
import { GATEWAY_OPTIONS, GATEWAY_USAGE, check, gatewayCallOpts, log, parseCli, waitForGateway } from '../lib/cli.mjs';
import { r2, summarize } from '../lib/stats.mjs';

const USAGE = `usage: node bench/load/voice-load.mjs [--calls 10] [--ramp-seconds 5] [--turns 3] [--mode turn|bargein]
         ${GATEWAY_USAGE}`;
const QUESTION = 'what are your opening hours';
const INTERRUPTION = 'wait stop please';
const REPLY_TIMEOUT_MS = 10000;
const CLEAR_TIMEOUT_MS = 5000;
const GREETING_TIMEOUT_MS = 15000;

/** Until the agent's latest utterance has played: a mark echoed since echoedBefore, nothing pending, 500 ms quiet. */
async function replyPlayed(call, echoedBefore, timeoutMs = 30000) {
  const until = now() + timeoutMs;
  while (call.live && now() < until) {
    if (call.marksEchoed > echoedBefore && call.agentIdle() && now() - call.lastAgentAt >= 500) return true;
    await sleep(20);
  }
  return false;
}

async function turns(call, ctx) {
  const r = { latencies: [], timeouts: 0, noGreeting: false, unfinished: 0, sayErrors: 0 };
  if (!(await call.waitUntil(() => call.marksEchoed > 0 && call.agentIdle(), GREETING_TIMEOUT_MS))) r.noGreeting = true;
  for (let k = 0; k < ctx.args.turns && call.live; k++) {
    const echoed = call.marksEchoed;
    call.arrivals = [];
    const said = await ctx.say(call, 'final', QUESTION);
    if (said.error) { r.sayErrors++; call.arrivals = null; continue; }
    const firstReply = () => call.arrivals.find(t => t > said.sentAt);
    await call.waitUntil(() => firstReply() !== undefined, said.sentAt + REPLY_TIMEOUT_MS - now());
    const first = firstReply();
    call.arrivals = null;
    if (first === undefined) { r.timeouts++; continue; }
    r.latencies.push(first - said.sentAt);
    if (!(await replyPlayed(call, echoed))) r.unfinished++;
  }
  return r;
}

async function bargeIn(call, ctx) {
  const r = {
    fromInterim: null, fromSpeechStarted: null, missed: false, framesAfterClear: 0, noGreeting: false,
    noOpportunity: false, clearedBeforeInterim: false, sayErrors: 0,
  };
  if (!(await call.waitUntil(() => call.agentFrames > 0, GREETING_TIMEOUT_MS))) { r.noGreeting = true; return r; }
  const echoed = call.marksEchoed;
  await sleep(call.firstAgentAt + 300 - now());
  if (call.marksEchoed > echoed || !call.live) { r.noOpportunity = true; return r; }
  const clearsBefore = call.clears.length;
  call.arrivals = [];
  const said = await ctx.say(call, 'bargein', INTERRUPTION);
  if (said.error) { r.sayErrors++; return r; }
  if (!(await call.waitUntil(() => call.clears.length > clearsBefore, said.interimAt + CLEAR_TIMEOUT_MS - now()))) {
    r.missed = true;
    return r;
  }
  const clearAt = call.clears[clearsBefore];
  r.fromSpeechStarted = clearAt - said.speechStartedAt;
  if (clearAt >= said.interimAt) r.fromInterim = clearAt - said.interimAt; else r.clearedBeforeInterim = true;
  // Agent audio after the clear: none is expected within 300 ms (nothing of the cut utterance, no new reply yet).
  await sleep(clearAt + 300 - now());
  r.framesAfterClear = call.arrivals.filter(t => t > clearAt && t <= clearAt + 300).length;
  call.arrivals = null;
  return r;
}

/** Runs in a sender worker for each call once its stream is up; the call ends (stop) when this returns. */
export function scenario(call, ctx) {
  return ctx.args.mode === 'turn' ? turns(call, ctx) : bargeIn(call, ctx);
}

const ms = s => ({ p50_ms: s.p50, p90_ms: s.p90, p99_ms: s.p99, max_ms: s.max });
const count = (results, key) => results.reduce((n, r) => n + Number(r[key]), 0);

async function main() {
  const o = parseCli({
    ...GATEWAY_OPTIONS,
    calls: { type: 'string', default: '10' },
    'ramp-seconds': { type: 'string', default: '5' },
    turns: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'turn' },
  }, USAGE);
  const calls = Number(o.calls);
  const rampMs = Number(o['ramp-seconds']) * 1000;
  const turnCount = Number(o.turns);
  check(Number.isInteger(calls) && calls > 0 && rampMs >= 0 && Number.isInteger(turnCount) && turnCount > 0
    && ['turn', 'bargein'].includes(o.mode), USAGE, 'bad --calls/--ramp-seconds/--turns/--mode');

  const callOpts = gatewayCallOpts(o);
  const bench = await startBench({
    sinkPort: Number(o['sink-port']), callOpts, scenarioUrl: import.meta.url,
    scenarioArgs: { mode: o.mode, turns: turnCount },
  });
  log(`STT sink listening: ws://127.0.0.1:${bench.sinkPort}/v1/listen`);
  try {
    await waitForGateway(callOpts, Number(o['wait-seconds']));
    await bench.sink.call('reset', { first: 0, last: calls, winStart: 0, winEnd: 0 });
    log(`${calls} calls, mode ${o.mode}${o.mode === 'turn' ? `, ${turnCount} turns` : ''}, ramp ${rampMs / 1000} s`);
    await bench.startCalls(0, calls, now() + 100, rampMs);
    const perCallMs = o.mode === 'turn' ? GREETING_TIMEOUT_MS + turnCount * 45000 : GREETING_TIMEOUT_MS + 10000;
    const finished = (await bench.all('waitScenarios', { timeoutMs: rampMs + perCallMs + 10000 })).every(Boolean);
    const tw = mergeReports(await bench.all('finish'));
    for (const until = now() + 2000; now() < until && (await bench.sink.call('received')) < tw.sent;) await sleep(50);
    const stt = await bench.sink.call('report');
    const res = tw.results;
    const out = {
      tool: 'voice-load', mode: o.mode, calls, ...(o.mode === 'turn' ? { turns: turnCount } : {}),
      calls_failed: tw.failed, calls_dropped: tw.dropped, failures: tw.failures, all_finished: finished,
    };
    if (o.mode === 'turn') {
      const s = summarize(res.flatMap(r => r.latencies));
      Object.assign(out, {
        n: s.n, ...ms(s), timeouts: count(res, 'timeouts'), no_greeting: count(res, 'noGreeting'),
        replies_unfinished: count(res, 'unfinished'),
      });
    } else {
      const s = summarize(res.filter(r => r.fromInterim != null).map(r => r.fromInterim));
      Object.assign(out, {
        n: s.n, ...ms(s),
        from_speech_started: ms(summarize(res.filter(r => r.fromSpeechStarted != null).map(r => r.fromSpeechStarted))),
        missed: count(res, 'missed'), frames_after_clear: count(res, 'framesAfterClear'),
        cleared_before_interim: count(res, 'clearedBeforeInterim'), no_greeting: count(res, 'noGreeting'),
        no_opportunity: count(res, 'noOpportunity'),
      });
    }
    Object.assign(out, {
      say_errors: count(res, 'sayErrors'), clears: tw.twilio.clears || 0, agent_frames: tw.twilio.agentFrames || 0,
      marks_echoed: tw.twilio.marksEchoed || 0, frames_sent: tw.sent, frames_received: stt.received,
      lost: tw.sent - stt.received,
      reordered: stt.reordered, misrouted: stt.misrouted, stt_sockets: stt.socketsOpened,
      tool_tick_lag_p99_ms: r2(tw.tickLag.percentile(99)),
    });
    if (o.json) console.log(JSON.stringify(out));
    else {
      console.log(`${o.mode}: n=${out.n} latency p50/p90/p99/max = ${out.p50_ms}/${out.p90_ms}/${out.p99_ms}/${out.max_ms} ms`
        + (o.mode === 'turn' ? ` timeouts=${out.timeouts}` : ` missed=${out.missed} frames_after_clear=${out.frames_after_clear}`
          + ` (from SpeechStarted p50/p99 ${out.from_speech_started.p50_ms}/${out.from_speech_started.p99_ms} ms)`)
        + ` failed=${out.calls_failed} dropped=${out.calls_dropped}`);
    }
  } finally {
    await bench.close();
  }
}

if (isMainThread) await main();
