package io.apexvoice.gateway.providers.firestore;

import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import io.apexvoice.gateway.records.RecordStoreUnavailableException;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for one Firestore call (at most the timeout; a late call is left to finish) and sorts its failure: unreachable, timed out or contended →
 * {@link RecordStoreUnavailableException} (worth retrying); a document Firestore refuses ({@code INVALID_ARGUMENT})
 * or an exception thrown by our own code inside a transaction → rethrown as is (retrying cannot help).
 */
final class FirestoreCalls {

    private FirestoreCalls() {
    }

    /**
     * Input: the pending call, the longest wait, what it does (for messages, no values). Output: its result.
     *
     * @throws RecordStoreUnavailableException when Firestore did not complete it
     */
    static <T> T await(ApiFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new RecordStoreUnavailableException(what + ": interrupted", e);
        } catch (TimeoutException e) {
            // Not cancelled: a cancelled transaction can leave its document locked until the server expires the
            // lock; left alone it commits or rolls back by itself, and the caller's retry is idempotent.
            throw new RecordStoreUnavailableException(what + ": no answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw sorted(e.getCause(), what);
        }
    }

    private static RuntimeException sorted(Throwable failure, String what) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException api) {
                if (api.getStatusCode().getCode() == StatusCode.Code.INVALID_ARGUMENT) {
                    return new IllegalStateException(what + ": refused by Firestore: " + api.getMessage(), api);
                }
                return new RecordStoreUnavailableException(what + ": " + api.getStatusCode().getCode(), api);
            }
        }
        if (failure instanceof IllegalStateException || failure instanceof IllegalArgumentException) {
            return (RuntimeException) failure;
        }
        return new RecordStoreUnavailableException(what + ": " + failure, failure);
    }
}
