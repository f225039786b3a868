// Minimal RFC 6455 WebSocket client and server for the load tools (node: built-ins only).
// Client frames are masked; server frames are not. Handles ping/pong, the close handshake, fragmented messages and
// 16/64-bit payload lengths. Incoming bytes are parsed straight from each socket read; bytes are only copied
// together when a frame straddles reads.
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONT = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10;
const MAX_MESSAGE = 16 * 1024 * 1024;
const CLOSE_WAIT_MS = 2000;

const acceptKey = key => crypto.createHash('sha1').update(key + GUID).digest('base64');

// Masking keys come from a pool of random bytes, refilled when used up.
const maskPool = Buffer.allocUnsafe(64 * 1024);
let maskOffset = maskPool.length;
function maskKeyOffset() {
  if (maskOffset + 4 > maskPool.length) { crypto.randomFillSync(maskPool); maskOffset = 0; }
  const at = maskOffset;
  maskOffset += 4;
  return at;
}

/** XORs buf[start, end) with the 4-byte key at key[keyAt], in place. */
function xorMask(buf, start, end, key, keyAt) {
  const k0 = key[keyAt], k1 = key[keyAt + 1], k2 = key[keyAt + 2], k3 = key[keyAt + 3];
  let i = start;
  for (; i + 4 <= end; i += 4) {
    buf[i] ^= k0; buf[i + 1] ^= k1; buf[i + 2] ^= k2; buf[i + 3] ^= k3;
  }
  for (let j = 0; i < end; i++, j++) buf[i] ^= key[keyAt + j];
}

/** One complete frame (FIN set); payload is a string (sent as UTF-8) or a Buffer. */
function encodeFrame(opcode, payload, masked) {
  const isText = typeof payload === 'string';
  const n = isText ? Buffer.byteLength(payload) : payload.length;
  const lenBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = 2 + lenBytes + (masked ? 4 : 0);
  const b = Buffer.allocUnsafe(head + n);
  b[0] = 0x80 | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (lenBytes === 0) b[1] = maskBit | n;
  else if (lenBytes === 2) { b[1] = maskBit | 126; b.writeUInt16BE(n, 2); }
  else { b[1] = maskBit | 127; b.writeUInt32BE(Math.floor(n / 2 ** 32), 2); b.writeUInt32BE(n >>> 0, 6); }
  if (isText) b.write(payload, head, 'utf8'); else payload.copy(b, head);
  if (masked) {
    const at = maskKeyOffset();
    maskPool.copy(b, head - 4, at, at + 4);
    xorMask(b, head, head + n, maskPool, at);
  }
  return b;
}

/** One side of an open WebSocket. Set onText(str), onBinary(buf), onClose(code, reason) to receive. */
export class WsConnection {
  constructor(socket, isClient, head, request) {
    this.socket = socket;
    this.isClient = isClient;
    this.request = request; // server side: the upgrade request (headers, url)
    this.onText = null;
    this.onBinary = null;
    this.onClose = null;
    this.closed = false; // set once the TCP socket has closed
    this.closeSent = false;
    this.closeCode = 1006;
    this.closeReason = '';
    this.error = null;
    this.broken = false;
    this.pending = null; // chunks of a frame that straddles reads
    this.pendingLength = 0;
    this.need = 0; // bytes needed before the pending chunks can hold a whole frame
    this.fragments = null; // payloads of a fragmented message so far
    this.fragmentOpcode = 0;
    this.fragmentLength = 0;
    socket.setNoDelay(true);
    socket.on('data', chunk => this.receive(chunk));
    socket.on('error', err => { this.error = err; });
    socket.on('close', () => {
      this.closed = true;
      clearTimeout(this.closeTimer);
      if (this.onClose) this.onClose(this.closeCode, this.closeReason);
    });
    if (head && head.length) this.receive(head);
  }

  sendText(text) { this.write(OP_TEXT, text); }

  sendBinary(buf) { this.write(OP_BINARY, buf); }

  /** Starts the close handshake; the socket is destroyed if the peer does not finish it within 2 s. */
  close(code = 1000, reason = '') {
    if (this.closed || this.closeSent) return;
    const r = Buffer.from(reason);
    const body = Buffer.allocUnsafe(2 + r.length);
    body.writeUInt16BE(code, 0);
    r.copy(body, 2);
    this.write(OP_CLOSE, body);
    this.closeSent = true;
    if (!this.isClient) this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
  }

  /** Bytes queued in the socket but not yet handed to the kernel. */
  get bufferedAmount() { return this.socket.writableLength; }

  write(opcode, payload) {
    if (this.closeSent || this.closed) return;
    this.socket.write(encodeFrame(opcode, payload, this.isClient));
  }

  receive(chunk) {
    if (this.broken) return;
    let buf = chunk;
    if (this.pending) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      if (this.pendingLength < this.need) return;
      buf = Buffer.concat(this.pending, this.pendingLength);
      this.pending = null;
    }
    const end = buf.length;
    let off = 0;
    for (;;) {
      const avail = end - off;
      if (avail < 2) { this.need = 2; break; }
      const b0 = buf[off], b1 = buf[off + 1];
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (avail < 4) { this.need = 4; break; }
        len = buf.readUInt16BE(off + 2);
        head = 4;
      } else if (len === 127) {
        if (avail < 10) { this.need = 10; break; }
        len = buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
        head = 10;
      }
      if (b1 & 0x80) head += 4;
      if (len > MAX_MESSAGE) return this.fail(1009, 'frame too large');
      if (avail < head + len) { this.need = head + len; break; }
      const start = off + head;
      if (b1 & 0x80) xorMask(buf, start, start + len, buf, start - 4);
      off = start + len;
      this.frame((b0 & 0x80) !== 0, b0 & 0x0f, buf.subarray(start, off));
      if (this.broken || this.closed) return;
    }
    if (off < end) {
      this.pending = [buf.subarray(off)];
      this.pendingLength = end - off;
    }
  }

  frame(fin, opcode, payload) {
    if (opcode >= 8) return this.control(opcode, payload);
    if (opcode === OP_CONT) {
      if (!this.fragments) return this.fail(1002, 'unexpected continuation');
      this.fragments.push(payload);
      this.fragmentLength += payload.length;
      if (this.fragmentLength > MAX_MESSAGE) return this.fail(1009, 'message too large');
      if (!fin) return;
      const whole = Buffer.concat(this.fragments, this.fragmentLength);
      const op = this.fragmentOpcode;
      this.fragments = null;
      return this.deliver(op, whole);
    }
    if (this.fragments) return this.fail(1002, 'expected continuation');
    if (fin) return this.deliver(opcode, payload);
    this.fragments = [payload];
    this.fragmentOpcode = opcode;
    this.fragmentLength = payload.length;
  }

  deliver(opcode, payload) {
    if (opcode === OP_TEXT) { if (this.onText) this.onText(payload.toString('utf8')); }
    else if (opcode === OP_BINARY) { if (this.onBinary) this.onBinary(payload); }
    else this.fail(1002, 'unknown opcode');
  }

  control(opcode, payload) {
    if (opcode === OP_PING) this.write(OP_PONG, Buffer.from(payload));
    else if (opcode === OP_CLOSE) {
      this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.closeReason = payload.length > 2 ? payload.toString('utf8', 2) : '';
      if (!this.closeSent) this.close(this.closeCode === 1005 ? 1000 : this.closeCode);
      this.socket.end();
    } else if (opcode !== OP_PONG) this.fail(1002, 'unknown control opcode');
  }

  /** Protocol error: close with code and ignore whatever else the peer sends. */
  fail(code, reason) {
    this.broken = true;
    this.close(code, reason);
    this.socket.end();
  }
}

/**
 * Opens a WebSocket to url (ws:// or wss://) with extra request headers. Resolves to a WsConnection once the
 * server answered 101 with the right accept key; rejects with err.status set when it answered anything else.
 */
export function connect(url, headers = {}, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const key = crypto.randomBytes(16).toString('base64');
    const lib = u.protocol === 'wss:' ? https : http;
    const req = lib.request({
      hostname: u.hostname, port: u.port || (u.protocol === 'wss:' ? 443 : 80), path: u.pathname + u.search,
      agent: false, timeout: timeoutMs,
      headers: {
        ...headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13',
      },
    });
    req.on('upgrade', (res, socket, head) => {
      socket.setTimeout(0);
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        return reject(new Error(`bad Sec-WebSocket-Accept from ${url}`));
      }
      resolve(new WsConnection(socket, true, head, null));
    });
    req.on('response', res => {
      const err = new Error(`WebSocket upgrade to ${url} answered ${res.statusCode}`);
      err.status = res.statusCode;
      res.resume();
      reject(err);
    });
    req.on('timeout', () => req.destroy(new Error(`WebSocket connect to ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A WebSocket server on 127.0.0.1:port (0 = any free port) accepting upgrades whose path (query ignored) is
 * `path`; calls onConnection(conn) for each. Plain HTTP requests go to onRequest(req, res) when given, else 426.
 * Resolves to { port, server, close() } (close drops every open connection).
 */
export function listen(port, path, onConnection, onRequest = null) {
  const server = http.createServer(onRequest || ((req, res) => { res.writeHead(426).end(); }));
  const open = new Set();
  server.on('upgrade', (req, socket, head) => {
    const key = req.headers['sec-websocket-key'];
    const reqPath = req.url.split('?')[0];
    if (reqPath !== path || !key || String(req.headers.upgrade).toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
      + `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
    const conn = new WsConnection(socket, false, head, req);
    open.add(conn);
    socket.on('close', () => open.delete(conn));
    onConnection(conn);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        server,
        close: () => new Promise(r => {
          for (const conn of open) conn.socket.destroy();
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
