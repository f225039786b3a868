#!/usr/bin/env node
// Media-plane capacity: plays Twilio's side of N concurrent real-time calls (signed webhook, then a Media Streams
// socket sending a 20 ms frame per call, each call at a random phase) and is also the gateway's Deepgram endpoint (a sink in its own
// worker thread), so every frame is timed from "Twilio sent it" to "STT received it". Steps through call counts;
// a step is ok when no frame was lost, reordered or misrouted, every call stayed up, and delay p99 < 20 ms.
//
// Start the gateway with DEEPGRAM_URL=ws://127.0.0.1:<sink port>/v1/listen (the port is printed on stderr; pass
// --sink-port to fix it). Usage: see USAGE below, or --help.
import { exec, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { mergeReports, now, sleep, startBench } from '../lib/call.mjs';
import { GATEWAY_OPTIONS, GATEWAY_USAGE, check, gatewayCallOpts, log, parseCli, waitForGateway } from '../lib/cli.mjs';
import { Histogram, r2 } from '../lib/stats.mjs';

const USAGE = `usage: node bench/load/media-load.mjs [--steps 100,200,400] [--step-seconds 20] [--ramp-seconds 5]
         [--target-pid PID] [--on-step-cmd 'shell command, run mid-step with CALLS=n']
         ${GATEWAY_USAGE}`;
const o = parseCli({
  ...GATEWAY_OPTIONS,
  steps: { type: 'string', default: '100,200,400' },
  'step-seconds': { type: 'string', default: '20' },
  'ramp-seconds': { type: 'string', default: '5' },
  'target-pid': { type: 'string' },
  'on-step-cmd': { type: 'string' },
}, USAGE);
const steps = o.steps.split(',').map(Number);
const stepMs = Number(o['step-seconds']) * 1000;
const rampMs = Number(o['ramp-seconds']) * 1000;
const targetPid = o['target-pid'] ? Number(o['target-pid']) : null;
check(steps.every(n => Number.isInteger(n) && n > 0) && stepMs > 0 && rampMs >= 0, USAGE, 'bad --steps/--step-seconds/--ramp-seconds');
check(!targetPid || fs.existsSync(`/proc/${targetPid}/stat`), USAGE, `no process ${targetPid}`);

/** utime + stime of a process, in µs (/proc/PID/stat fields 14 and 15). */
const CLK_TCK = (() => { try { return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100; } catch { return 100; } })();
function processCpuUs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/** The machine's CPU time in jiffies, { busy, total } over all cores (/proc/stat's first line). */
function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0); // idle + iowait
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Per cent of the machine's CPU (all cores) busy between two machineCpu() readings. */
const busyPct = (a, b) => (b.total > a.total ? r2(((b.busy - a.busy) / (b.total - a.total)) * 100) : null);

/** Runs cmd with CALLS=n; resolves to { exit, stdout }. */
const runStepCmd = (cmd, calls) => new Promise(resolve => {
  exec(cmd, { env: { ...process.env, CALLS: String(calls) }, timeout: 120000, maxBuffer: 16 << 20 },
    (err, stdout) => resolve({ exit: err ? (err.code ?? err.signal) : 0, stdout: stdout.trim() }));
});

/** The 5 worst of the sink's stall buckets that pass keep(). */
const worstStalls = (buckets, winStart, keep) => buckets.filter(keep).slice(0, 5).map(b => ({
  at: new Date(b.at).toISOString(), window_s: r2((b.at - winStart) / 1000), frames: b.frames, calls: b.calls,
  max_ms: r2(b.maxMs),
}));

async function runStep(bench, calls, first) {
  const startAt = now() + 100;
  const winStart = startAt + rampMs;
  const winEnd = winStart + stepMs;
  await bench.sink.call('reset', { first, last: first + calls, winStart, winEnd });
  await bench.startCalls(first, calls, startAt, rampMs);

  // CPU over the ramp's last second (the most call starts on top of the most calls streaming) and over the window
  const rampEndMs = Math.min(1000, rampMs);
  await sleep(winStart - rampEndMs - now());
  const rampEnd0 = { target: targetPid ? processCpuUs(targetPid) : 0, machine: machineCpu() };
  await sleep(winStart - now());
  const cpu0 = targetPid ? processCpuUs(targetPid) : 0;
  const machine0 = machineCpu();
  const tool0 = process.cpuUsage();
  const cmdDone = sleep(stepMs / 2).then(() => (o['on-step-cmd'] ? runStepCmd(o['on-step-cmd'], calls) : null));
  await sleep(winEnd - now());
  const cpu1 = targetPid ? processCpuUs(targetPid) : 0;
  const machine1 = machineCpu();
  const tool = process.cpuUsage(tool0);

  // Stop sending, give in-flight frames up to 2 s, then read the sink.
  const sentByCall = (await bench.all('stopMedia')).flat();
  const sent = sentByCall.reduce((n, [, k]) => n + k, 0);
  for (const until = now() + 2000; now() < until && (await bench.sink.call('received')) < sent;) await sleep(50);
  const stt = await bench.sink.call('report');
  const tw = mergeReports(await bench.all('finish'));

  // The gateway should now close every STT socket of the step.
  let left = await bench.sink.call('openSockets');
  for (const until = now() + 10000; left > 0 && now() < until; left = await bench.sink.call('openSockets')) await sleep(100);
  const cmd = await cmdDone;

  const receivedByCall = new Map(stt.perCall);
  const delay = Histogram.from(stt.delay).summary();
  const lost = sent - stt.received;
  const result = {
    tool: 'media-load', calls, ramp_s: rampMs / 1000, window_s: stepMs / 1000,
    calls_failed: tw.failed, calls_dropped: tw.dropped, failures: tw.failures,
    frames_sent: sent, frames_received: stt.received, lost,
    calls_with_loss: sentByCall.filter(([call, k]) => (receivedByCall.get(call) || 0) < k).length,
    reordered: stt.reordered, misrouted: stt.misrouted, stale_frames: stt.stale, unparsed_frames: stt.unparsed,
    window_frames: stt.windowFrames,
    delay_p50_ms: delay.p50, delay_p90_ms: delay.p90, delay_p99_ms: delay.p99, delay_max_ms: delay.max,
    delay_mean_ms: delay.mean, stalls_over_20ms: stt.stalls,
    // the 5 worst stalls in the window and in the ramp before it: when (UTC, and seconds from the window's start the
    // frames were sent at, by 100 ms), frames over 20 ms and calls touched
    stalls_worst: worstStalls(stt.stallBuckets, winStart, b => b.at + 100 > winStart),
    ramp_stalls_worst: worstStalls(stt.stallBuckets, winStart, b => b.at + 100 <= winStart),
    cpu_us_per_frame: targetPid && stt.windowFrames ? r2((cpu1 - cpu0) / stt.windowFrames) : null,
    target_cpu_pct: targetPid ? r2(((cpu1 - cpu0) / 1000 / stepMs) * 100) : null,
    tool_cpu_pct: r2(((tool.user + tool.system) / 1000 / stepMs) * 100),
    machine_busy_pct: busyPct(machine0, machine1),
    ramp_end_target_cpu_pct: targetPid && rampEndMs ? r2(((cpu0 - rampEnd0.target) / 1000 / rampEndMs) * 100) : null,
    ramp_end_machine_busy_pct: busyPct(rampEnd0.machine, machine0),
    tool_tick_lag_p99_ms: r2(tw.tickLag.percentile(99)), tool_tick_lag_max_ms: r2(tw.tickLag.max),
    agent_frames: tw.twilio.agentFrames || 0, marks: tw.twilio.marks || 0, marks_echoed: tw.twilio.marksEchoed || 0,
    clears: tw.twilio.clears || 0, wrong_stream_sid: tw.twilio.wrongSid || 0,
    stt_sockets: stt.socketsOpened, stt_extra_sockets: stt.extraSockets, stt_auth_missing: stt.authMissing,
    stt_texts: stt.texts, stt_sockets_left: left,
    on_step_exit: cmd ? cmd.exit : null, on_step_output: cmd ? cmd.stdout : null,
  };
  result.ok = lost === 0 && stt.reordered === 0 && stt.misrouted === 0 && tw.failed === 0 && tw.dropped === 0
    && stt.windowFrames > 0 && delay.p99 < 20;
  return result;
}

const stallsText = list => list.map(b => `${b.max_ms}ms@${b.window_s}s/${b.calls}calls`).join(' ');

function printHuman(r) {
  console.log(`calls=${r.calls} ok=${r.ok} sent=${r.frames_sent} received=${r.frames_received} lost=${r.lost}`
    + ` reordered=${r.reordered} misrouted=${r.misrouted} failed=${r.calls_failed} dropped=${r.calls_dropped}`
    + ` delay p50/p90/p99/max=${r.delay_p50_ms}/${r.delay_p90_ms}/${r.delay_p99_ms}/${r.delay_max_ms} ms`
    + ` stalls>20ms=${r.stalls_over_20ms}`
    + (r.stalls_worst.length ? ` worst: ${stallsText(r.stalls_worst)}` : '')
    + (r.ramp_stalls_worst.length ? ` ramp: ${stallsText(r.ramp_stalls_worst)}` : '')
    + (targetPid ? ` cpu=${r.cpu_us_per_frame} us/frame (${r.target_cpu_pct}%)` : '') + ` machine=${r.machine_busy_pct}%`
    + ` ramp-end: target=${r.ramp_end_target_cpu_pct}% machine=${r.ramp_end_machine_busy_pct}%`
    + ` tool_cpu=${r.tool_cpu_pct}% tick_lag_p99=${r.tool_tick_lag_p99_ms} ms`
    + (Object.keys(r.failures).length ? ` failures=${JSON.stringify(r.failures)}` : '')
    + (r.on_step_output ? `\n  on-step-cmd (exit ${r.on_step_exit}): ${r.on_step_output}` : ''));
}

const callOpts = gatewayCallOpts(o);
const bench = await startBench({ sinkPort: Number(o['sink-port']), callOpts });
log(`STT sink listening: ws://127.0.0.1:${bench.sinkPort}/v1/listen`);
try {
  await waitForGateway(callOpts, Number(o['wait-seconds']));
  const results = [];
  let first = 0;
  for (const calls of steps) {
    log(`step: ${calls} calls, ramp ${rampMs / 1000} s, window ${stepMs / 1000} s`);
    const r = await runStep(bench, calls, first);
    first += calls;
    results.push(r);
    if (o.json) console.log(JSON.stringify(r)); else printHuman(r);
  }
  const okSteps = results.filter(r => r.ok).map(r => r.calls);
  const summary = {
    tool: 'media-load', summary: true, capacity: okSteps.length ? Math.max(...okSteps) : 0, sink_port: bench.sinkPort,
    steps: results.map(r => ({ calls: r.calls, ok: r.ok, lost: r.lost, delay_p99_ms: r.delay_p99_ms })),
  };
  if (o.json) console.log(JSON.stringify(summary)); else console.log(`capacity: ${summary.capacity} calls`);
} finally {
  await bench.close();
}
