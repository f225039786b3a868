package io.apexvoice.gateway.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the root logger writes at ERROR, or with a stack trace at any level, between {@link #start()} and
 * {@link #stop()}: for tests that require hostile input to leave no error in the log.
 */
public final class ErrorLog {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public void start() {
        appender.list.clear();
        appender.start();
        root().addAppender(appender);
    }

    public void stop() {
        root().detachAppender(appender);
        appender.stop();
    }

    /** The messages of the events logged at ERROR or with a throwable since {@link #start()}. */
    public List<String> errorsAndStackTraces() {
        synchronized (appender.list) {
            return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.ERROR)
                    || event.getThrowableProxy() != null).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
