package io.apexvoice.gateway.simulator.speech;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The watermark grammar over decoded symbols ({@link ToneAlphabet}), one symbol per frame:
 * <pre>
 *   message = START START word { WORD word } END
 *   word    = { hi-nibble lo-nibble }        (the word's UTF-8 bytes)
 * </pre>
 * Input: {@link #accept(int, long)} per symbol with the frame number it came from (frames that carry no symbol are
 * simply not passed in). Output: completed words with their first/last frame, as soon as their separator (or END)
 * arrives. Anything off-grammar — an odd nibble count, invalid UTF-8, a symbol before the preamble — drops the
 * message in progress and waits for the next {@code START START}.
 */
final class WatermarkParser {

    private enum State { IDLE, ONE_START, IN_MESSAGE }

    private final List<SpeechAudio.Word> message = new ArrayList<>();
    private final List<SpeechAudio.Word> untaken = new ArrayList<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private State state = State.IDLE;
    private boolean complete;
    private int highNibble = -1;
    private long firstFrame = -1;
    private long lastFrame = -1;

    void accept(int symbol, long frame) {
        if (symbol == ToneAlphabet.START) {
            onStart();
            return;
        }
        if (state != State.IN_MESSAGE) {
            state = State.IDLE;
            return;
        }
        switch (symbol) {
            case ToneAlphabet.WORD -> endWord();
            case ToneAlphabet.END -> {
                if (endWord()) {
                    state = State.IDLE;
                    complete = true;
                }
            }
            default -> nibble(symbol, frame);
        }
    }

    private void onStart() {
        if (state == State.ONE_START) {
            message.clear();
            bytes.reset();
            highNibble = -1;
            complete = false;
            state = State.IN_MESSAGE;
        } else {
            state = State.ONE_START;
        }
    }

    private void nibble(int value, long frame) {
        if (highNibble < 0) {
            highNibble = value;
            if (bytes.size() == 0) {
                firstFrame = frame;
            }
        } else {
            bytes.write(highNibble << 4 | value);
            highNibble = -1;
            lastFrame = frame;
        }
    }

    /** Closes the word in progress; false (and the message dropped) when its bytes are not a whole UTF-8 text. */
    private boolean endWord() {
        if (highNibble >= 0) {
            return abandon();
        }
        if (bytes.size() == 0) {
            return true;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
            SpeechAudio.Word word = new SpeechAudio.Word(text, firstFrame, lastFrame);
            message.add(word);
            untaken.add(word);
            bytes.reset();
            return true;
        } catch (CharacterCodingException e) {
            return abandon();
        }
    }

    private boolean abandon() {
        state = State.IDLE;
        bytes.reset();
        highNibble = -1;
        return false;
    }

    boolean inMessage() {
        return state == State.IN_MESSAGE;
    }

    boolean complete() {
        return complete;
    }

    /** Words of the message in progress, or of the last complete one. */
    List<SpeechAudio.Word> message() {
        return List.copyOf(message);
    }

    /** Words completed since the previous call. */
    List<SpeechAudio.Word> take() {
        List<SpeechAudio.Word> taken = List.copyOf(untaken);
        untaken.clear();
        return taken;
    }
}
