package io.apexvoice.bench.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;

/**
 * The least an agent turn that asks an LLM must do (pipeline mode with {@code LLM_URL}): one streamed OpenAI-style
 * chat completion, {@code POST LLM_URL/chat/completions} with a system prompt and the caller's words, on keep-alive
 * connections of this event loop; the turn goes on at the response's first body bytes (a 0 ms provider sends the
 * whole reply in them). No history, no permits, no sentence split: a floor for the gateway, not a rival.
 */
final class LlmRequest {

  private static final String SYSTEM = "You are a friendly receptionist. Answer briefly.";

  private final HttpClient client;
  private final RequestOptions options;
  private final String model;

  LlmRequest(Vertx vertx, String url, String key, String model) {
    URI u = URI.create(url.endsWith("/") ? url : url + "/");
    if (!"http".equals(u.getScheme())) throw new IllegalArgumentException("LLM_URL must be http://: " + url);
    this.client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(1000));
    this.options = new RequestOptions().setMethod(HttpMethod.POST).setHost(u.getHost())
        .setPort(u.getPort() > 0 ? u.getPort() : 80).setURI(u.getRawPath() + "chat/completions")
        .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json");
    this.model = model;
  }

  /** Completes at the first body bytes of a 200, fails on any other status or a transport error. */
  Future<Void> ask(String transcript) {
    Buffer body = new JsonObject().put("model", model).put("stream", true)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", SYSTEM))
            .add(new JsonObject().put("role", "user").put("content", transcript)))
        .toBuffer();
    Promise<Void> first = Promise.promise();
    client.request(new RequestOptions(options))
        .compose(req -> req.send(body))
        .onSuccess(resp -> read(resp, first))
        .onFailure(first::tryFail);
    return first.future();
  }

  private static void read(HttpClientResponse resp, Promise<Void> first) {
    if (resp.statusCode() != 200) {
      first.tryFail("LLM answered " + resp.statusCode());
    }
    resp.handler(bytes -> first.tryComplete());
    resp.exceptionHandler(first::tryFail);
    resp.endHandler(v -> first.tryFail("LLM response without a body"));
  }
}
