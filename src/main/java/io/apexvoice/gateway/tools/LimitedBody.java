package io.apexvoice.gateway.tools;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP response body read up to a limit: a 2xx answer's bytes, or "too large" as soon as the answer declares or
 * sends more than the limit (the rest is not read: the subscription is cancelled, which closes the connection). The
 * bodies of other statuses are discarded unread.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Result> {

    /** @param tooLarge true when the answer was over the limit ({@code bytes} is then empty) */
    record Result(byte[] bytes, boolean tooLarge) {
    }

    private final int maxBytes;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private LimitedBody(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    static HttpResponse.BodyHandler<Result> handler(int maxBytes) {
        return info -> {
            if (info.statusCode() < 200 || info.statusCode() > 299) {
                return HttpResponse.BodySubscribers.replacing(new Result(new byte[0], false));
            }
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                return HttpResponse.BodySubscribers.replacing(new Result(new byte[0], true));
            }
            return new LimitedBody(maxBytes);
        };
    }

    /** The longest prefix of {@code utf8} of at most {@code maxBytes} bytes that ends on a whole character, decoded. */
    static String utf8Prefix(byte[] utf8, int maxBytes) {
        int length = Math.min(utf8.length, maxBytes);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        CharBuffer chars = CharBuffer.allocate(length);
        ByteBuffer input = ByteBuffer.wrap(utf8, 0, length);
        decoder.decode(input, chars, length == utf8.length);
        chars.flip();
        return chars.toString();
    }

    @Override
    public CompletionStage<Result> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        int received = buffers.stream().mapToInt(ByteBuffer::remaining).sum();
        if ((long) bytes.size() + received > maxBytes) {
            subscription.cancel();
            result.complete(new Result(new byte[0], true));
            return;
        }
        for (ByteBuffer buffer : buffers) {
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new Result(bytes.toByteArray(), false));
    }
}
