// Twilio's side of the voice webhook: X-Twilio-Signature (PROTOCOLS 1.2), call parameters (1.1), a keep-alive
// form POST, and the <Connect><Stream> TwiML the gateway answers with (1.5).
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * X-Twilio-Signature of a form request: Base64(HMAC-SHA1(token, url + each name+value, names in byte order)).
 * params maps a name to a value or to an array of values (sorted, each appended as name+value).
 */
export function sign(token, url, params = {}) {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const v = params[name];
    for (const value of Array.isArray(v) ? [...v].sort() : [v]) data += name + value;
  }
  return crypto.createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/** prefix + 32 random lowercase hex digits (CallSid CA…, AccountSid AC…, StreamSid MZ…). */
export const randomSid = prefix => prefix + crypto.randomBytes(16).toString('hex');

/** The form of a first inbound-call webhook delivery. */
export function voiceParams({ callSid = randomSid('CA'), accountSid = randomSid('AC'), from = '+14155550100',
  to = '+14155550199' } = {}) {
  return {
    CallSid: callSid, AccountSid: accountSid, From: from, To: to,
    CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01',
  };
}

const defaultAgents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Keep-alive agent for url's scheme with at most maxSockets connections. */
export function keepAliveAgent(url, maxSockets) {
  const lib = new URL(url).protocol === 'https:' ? https : http;
  return new lib.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/** POSTs form (object) as application/x-www-form-urlencoded; resolves to { status, text }. */
export function postForm(url, form, headers = {}, agent = null, timeoutMs = 10000) {
  const u = new URL(url);
  const body = new URLSearchParams(form).toString();
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, {
      method: 'POST', agent: agent || defaultAgents[u.protocol], timeout: timeoutMs,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers,
      },
    }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const unescapeXml = s => s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-f]+));/gi, (m, name, dec, hex) => {
  if (dec) return String.fromCodePoint(Number(dec));
  if (hex) return String.fromCodePoint(parseInt(hex, 16));
  return { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[name.toLowerCase()];
});

function attributes(tag) {
  const attrs = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    attrs[m[1]] = unescapeXml(m[3] ?? m[4]);
  }
  return attrs;
}

/**
 * The <Connect><Stream> of a TwiML document: { streamUrl, parameters } with every <Parameter> of that stream;
 * streamUrl is null when the document has no <Stream> (a busy or suspended answer).
 */
export function parseTwiml(text) {
  const m = /<Stream\b([^>]*?)(\/>|>([\s\S]*?)<\/Stream>)/.exec(text);
  if (!m) return { streamUrl: null, parameters: {} };
  const parameters = {};
  for (const p of (m[3] || '').matchAll(/<Parameter\b([^>]*)\/?>/g)) {
    const a = attributes(p[1]);
    if (a.name !== undefined) parameters[a.name] = a.value ?? '';
  }
  return { streamUrl: attributes(m[1]).url ?? null, parameters };
}
