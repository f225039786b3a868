package io.apexvoice.bench.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.util.ArrayDeque;

/**
 * {@code GET key} over one raw RESP connection, no client library. Requests are pipelined on the socket and Redis
 * answers them in order, so a FIFO of promises pairs each reply with its request. Must be used from the event loop
 * that connected it. A missing key completes with {@code null}. The connection is not re-opened if it drops: later
 * GETs fail.
 */
final class RedisGet {

  private static final String CRLF = "\r\n";

  private final NetSocket socket;
  private final Buffer request;
  private final ArrayDeque<Promise<Buffer>> waiting = new ArrayDeque<>();
  private final RecordParser parser = RecordParser.newDelimited(CRLF);
  private int bulkLength = -1; // ≥ 0 while the parser is reading a bulk string's body
  private boolean closed;

  private RedisGet(NetSocket socket, String key) {
    this.socket = socket;
    this.request = Buffer.buffer("*2\r\n$3\r\nGET\r\n$" + Buffer.buffer(key).length() + CRLF + key + CRLF);
    parser.handler(this::onRecord);
    socket.handler(parser);
    socket.closeHandler(v -> {
      closed = true;
      for (Promise<Buffer> p; (p = waiting.poll()) != null; ) p.fail("redis connection closed");
    });
  }

  static Future<RedisGet> connect(Vertx vertx, String host, int port, String key) {
    return vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000))
        .connect(port, host)
        .map(socket -> new RedisGet(socket, key));
  }

  /** The key's value, or {@code null} when it does not exist. */
  Future<Buffer> get() {
    if (closed) return Future.failedFuture("redis connection closed");
    Promise<Buffer> reply = Promise.promise();
    waiting.add(reply);
    socket.write(request);
    return reply.future();
  }

  private void onRecord(Buffer record) {
    if (bulkLength >= 0) { // the body plus its CRLF
      Buffer body = record.slice(0, bulkLength);
      bulkLength = -1;
      parser.delimitedMode(CRLF);
      complete(body);
      return;
    }
    String line = record.toString();
    switch (line.isEmpty() ? ' ' : line.charAt(0)) {
      case '$' -> {
        int length = Integer.parseInt(line.substring(1));
        if (length < 0) {
          complete(null);
        } else {
          bulkLength = length;
          parser.fixedSizeMode(length + 2);
        }
      }
      case '-' -> fail(line.substring(1));
      default -> fail("unexpected reply to GET: " + line);
    }
  }

  private void complete(Buffer value) {
    Promise<Buffer> p = waiting.poll();
    if (p != null) p.complete(value);
  }

  private void fail(String error) {
    Promise<Buffer> p = waiting.poll();
    if (p != null) p.fail(error);
  }
}
