package io.apexvoice.gateway.tts;

import io.apexvoice.gateway.tenants.Voice;

/**
 * What one cached audio is for: the voice name, the output format and the {@link SpeechText#normalise normalised}
 * text. Two requests with equal keys get the same audio.
 */
record SpeechKey(String voice, String format, String normalisedText) {

    static SpeechKey of(Voice voice, String text) {
        return new SpeechKey(voice.name(), SpeechSynthesizer.MULAW_8KHZ, SpeechText.normalise(text));
    }
}
