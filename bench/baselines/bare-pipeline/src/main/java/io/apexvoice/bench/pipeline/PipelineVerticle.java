package io.apexvoice.bench.pipeline;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * One event loop's share of the work: its Twilio sockets, their Deepgram sockets, its Redis connection (pipeline
 * mode) and its frame encoder all live on this verticle's event loop, so nothing here is shared between threads.
 */
final class PipelineVerticle extends AbstractVerticle {

  private static final String PATH = "/twilio/media";

  final BarePipeline.Settings settings;
  WebSocketClient stt;
  RedisGet redis;
  LlmRequest llm; // pipeline mode with LLM_URL only
  final TwilioEncoder encoder = new TwilioEncoder();

  PipelineVerticle(BarePipeline.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void start(Promise<Void> started) {
    stt = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(100_000) // one STT socket per call; the default allows 50 per host
        .setConnectTimeout(10_000)
        .setTcpNoDelay(true));
    if (settings.llmUrl() != null) llm = new LlmRequest(vertx, settings.llmUrl(), settings.llmKey(), settings.llmModel());
    Future<Void> redisReady = settings.pipeline()
        ? RedisGet.connect(vertx, settings.redisHost(), settings.redisPort(), settings.ttsKey()).map(r -> {
            redis = r;
            return null;
          })
        : Future.succeededFuture();
    redisReady
        .compose(v -> vertx.createHttpServer(new HttpServerOptions()
                .setHost(settings.host()).setPort(settings.port()).setTcpNoDelay(true).setAcceptBacklog(4096))
            .requestHandler(this::onRequest)
            .listen())
        .<Void>mapEmpty()
        .onComplete(started);
  }

  private void onRequest(HttpServerRequest req) {
    if (!PATH.equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.toWebSocket()
        .onSuccess(ws -> new Call(this, ws))
        .onFailure(e -> {
          if (!req.response().ended()) req.response().setStatusCode(400).end();
        });
  }
}
