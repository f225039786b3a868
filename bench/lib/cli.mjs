// Plumbing shared by the load tools' command lines: option parsing, progress on stderr, waiting for a target.
import net from 'node:net';
import { parseArgs } from 'node:util';

/** Parses process.argv with node:util options; prints usage and exits on --help (0) or a bad option (2). */
export function parseCli(options, usage) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', default: false } } });
    if (values.help) { console.log(usage); process.exit(0); }
    return values;
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
}

/** Exits with usage unless ok. */
export function check(ok, usage, what) {
  if (ok) return;
  console.error(`${what}\n${usage}`);
  process.exit(2);
}

/** Options of the tools that place calls through the gateway (media-load, voice-load). */
export const GATEWAY_OPTIONS = {
  url: { type: 'string', default: 'http://127.0.0.1:8080' },
  'public-url': { type: 'string' },
  tenant: { type: 'string', default: 'demo' },
  'media-url': { type: 'string', default: 'ws://127.0.0.1:8081/twilio/media' },
  'auth-token': { type: 'string', default: 'local-dev-auth-token' },
  'sink-port': { type: 'string', default: '0' },
  webhook: { type: 'boolean', default: true },
  'no-webhook': { type: 'boolean', default: false },
  'wait-seconds': { type: 'string', default: '60' },
  json: { type: 'boolean', default: false },
};
export const GATEWAY_USAGE = `[--url http://127.0.0.1:8080] [--public-url URL (default --url)] [--tenant demo]
         [--media-url ws://127.0.0.1:8081/twilio/media] [--auth-token local-dev-auth-token] [--sink-port 0]
         [--no-webhook] [--wait-seconds 60] [--json]`;

/** The call options startBench() takes, from GATEWAY_OPTIONS values. */
export function gatewayCallOpts(o) {
  return {
    url: o.url.replace(/\/$/, ''), publicUrl: (o['public-url'] || o.url).replace(/\/$/, ''), mediaUrl: o['media-url'],
    authToken: o['auth-token'], tenant: o.tenant, webhook: o.webhook && !o['no-webhook'],
  };
}

/** Waits for the gateway's media port (and its HTTP port when the webhook is used). */
export async function waitForGateway(callOpts, seconds) {
  await waitForPort(callOpts.mediaUrl, seconds);
  if (callOpts.webhook) await waitForPort(callOpts.url, seconds);
}

/** Progress line on stderr (stdout carries only results). */
export const log = msg => console.error(`# ${msg}`);

/** Waits until host:port of url accepts TCP connections, up to seconds. */
export async function waitForPort(url, seconds) {
  const u = new URL(url);
  const port = Number(u.port) || (/^(https|wss):$/.test(u.protocol) ? 443 : 80);
  const until = Date.now() + seconds * 1000;
  for (let said = false; ; said = true) {
    const up = await new Promise(resolve => {
      const s = net.connect(port, u.hostname, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`${u.host} not reachable after ${seconds} s`);
    if (!said) log(`waiting for ${u.host} ...`);
    await new Promise(r => setTimeout(r, 500));
  }
}
