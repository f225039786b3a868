package io.apexvoice.bench.pipeline;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;

/**
 * Benchmark baseline, not product code. Starts one {@link PipelineVerticle} per core, each on its own event loop,
 * all sharing one WebSocket server at {@code ws://MEDIA_HOST:MEDIA_PORT/twilio/media}.
 *
 * <p>{@code MODE=relay}: Twilio media → Deepgram, nothing else. {@code MODE=pipeline}: also the least work of an agent
 * turn (greeting, one Redis GET per final transcript, 20 ms frames + mark, barge-in clear); with {@code LLM_URL}, each
 * final transcript first asks that OpenAI-style LLM ({@link LlmRequest}) and the turn goes on at its first bytes.
 */
public final class BarePipeline {

  /** Everything read from the environment, once. */
  record Settings(String host, int port, boolean pipeline, WebSocketConnectOptions stt,
                  String redisHost, int redisPort, String ttsKey, String llmUrl, String llmKey, String llmModel) {

    static Settings fromEnv() {
      String mode = env("MODE", "relay");
      if (!mode.equals("relay") && !mode.equals("pipeline")) throw new IllegalArgumentException("MODE must be relay or pipeline: " + mode);
      boolean pipeline = mode.equals("pipeline");
      return new Settings(env("MEDIA_HOST", "127.0.0.1"), Integer.parseInt(env("MEDIA_PORT", "8081")), pipeline,
          sttTarget(env("DEEPGRAM_URL", "wss://api.deepgram.com/v1/listen"), env("DEEPGRAM_API_KEY", "bench"), pipeline),
          env("REDIS_HOST", "127.0.0.1"), Integer.parseInt(env("REDIS_PORT", "6379")), env("TTS_KEY", "tts:bench"),
          pipeline ? env("LLM_URL", null) : null, env("LLM_API_KEY", "bench"), env("LLM_MODEL", "llama-3.3-70b-versatile"));
    }

    String mode() {
      return pipeline ? llmUrl != null ? "pipeline+llm" : "pipeline" : "relay";
    }
  }

  /**
   * The Deepgram connect options. A URL without a query gets the parameters raw Twilio audio needs (and, in pipeline
   * mode, the interim results and VAD events that barge-in reads); a URL with a query is used as given.
   */
  static WebSocketConnectOptions sttTarget(String url, String key, boolean pipeline) {
    URI u = URI.create(url);
    boolean ssl = "wss".equals(u.getScheme());
    if (!ssl && !"ws".equals(u.getScheme())) throw new IllegalArgumentException("DEEPGRAM_URL must be ws:// or wss://: " + url);
    String query = u.getRawQuery() != null ? u.getRawQuery()
        : "encoding=mulaw&sample_rate=8000&channels=1" + (pipeline ? "&interim_results=true&vad_events=true" : "");
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    return new WebSocketConnectOptions()
        .setHost(u.getHost())
        .setPort(u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80)
        .setSsl(ssl)
        .setURI(path + "?" + query)
        .putHeader("Authorization", "Token " + key);
  }

  private static String env(String name, String dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : v;
  }

  public static void main(String[] args) {
    Settings settings = Settings.fromEnv();
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    vertx.deployVerticle(() -> new PipelineVerticle(settings), new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.printf("bare-pipeline listening on %s:%d mode=%s%n", settings.host(), settings.port(), settings.mode()))
        .onFailure(e -> {
          System.err.println("bare-pipeline failed to start: " + e);
          System.exit(1);
        });
  }
}
