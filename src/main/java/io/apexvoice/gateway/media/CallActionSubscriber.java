package io.apexvoice.gateway.media;

import io.apexvoice.gateway.redis.RedisJson;
import io.apexvoice.gateway.redis.RedisKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.Subscription;
import org.springframework.stereotype.Component;

/**
 * This process's subscription to the call-actions channel ({@link RedisKeys#callActionsChannel()}): a
 * {@link MachineAnswer} another gateway process published is run here when this process holds the call's media
 * stream ({@link VoicemailDrop#leaveIfHeld}). One thread holds the subscription (a Redis connection of its own,
 * through the application's connection factory, so Redis Cluster works too); when Redis goes away it logs one
 * warning and subscribes again after a pause, growing from 100 ms to 5 s, until it is back.
 */
@Component
class CallActionSubscriber implements SmartLifecycle, MessageListener {

    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(CallActionSubscriber.class);

    private final RedisConnectionFactory connections;
    private final byte[] channel;
    private final VoicemailDrop voicemail;
    private volatile boolean running;
    private volatile RedisConnection connection;
    private Thread thread;

    CallActionSubscriber(RedisConnectionFactory connections, RedisKeys keys, VoicemailDrop voicemail) {
        this.connections = connections;
        this.channel = keys.callActionsChannel().getBytes(StandardCharsets.UTF_8);
        this.voicemail = voicemail;
    }

    @Override
    public void onMessage(Message message, byte[] pattern) {
        try {
            MachineAnswer answer = RedisJson.mapper().readValue(message.getBody(), MachineAnswer.class);
            if (voicemail.leaveIfHeld(answer)) {
                log.info("voicemail of call {} handed over by another gateway process; leaving it here",
                        answer.callSid().value());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("unreadable call action on the channel ignored ({})", e.getClass().getSimpleName());
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::subscribeWhileRunning, "apex-call-actions");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        RedisConnection current = connection;
        if (current != null) {
            Subscription subscription = current.getSubscription();
            try {
                if (subscription != null && subscription.isAlive()) {
                    subscription.unsubscribe();
                }
            } catch (RuntimeException e) {
                log.debug("call-actions subscription ended with an error at shutdown: {}", e.toString());
            }
        }
        thread.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void subscribeWhileRunning() {
        Duration pause = FIRST_PAUSE;
        boolean warned = false;
        while (running) {
            try (RedisConnection opened = connections.getConnection()) {
                connection = opened;
                if (warned) {
                    log.info("call-actions channel subscribed again");
                    warned = false;
                }
                pause = FIRST_PAUSE;
                opened.subscribe(this, channel); // blocks until unsubscribed or the connection fails
            } catch (RuntimeException e) {
                if (running && !warned) {
                    log.warn("call-actions channel subscription lost ({}); subscribing again until Redis answers",
                            e.getClass().getSimpleName());
                    warned = true;
                }
            } finally {
                connection = null;
            }
            if (running && !pauseFor(pause)) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }

    private static boolean pauseFor(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
