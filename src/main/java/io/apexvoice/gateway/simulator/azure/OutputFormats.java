package io.apexvoice.gateway.simulator.azure;

import java.util.Set;

/**
 * The {@code X-Microsoft-OutputFormat} values Azure accepts (PROTOCOLS §6.2), of which the simulator renders only
 * {@value #RENDERED}: any other valid format is answered 400 with a message saying so, an unknown one 400
 * "unsupported output format". Values are compared case-insensitively.
 */
final class OutputFormats {

    static final String RENDERED = "raw-8khz-8bit-mono-mulaw";

    /**
     * What the simulator answers for {@value #RENDERED}: {@code audio/basic}, the RFC 2046 type of headerless
     * 8 kHz mu-law, which is what Azure is reported to return for {@code raw-*} formats (third-party mapping, not
     * in Microsoft's docs).
     */
    static final String RENDERED_CONTENT_TYPE = "audio/basic";

    static final Set<String> VALID = Set.of(
            "amr-wb-16000hz",
            "audio-16khz-16bit-32kbps-mono-opus", "audio-16khz-32kbitrate-mono-mp3", "audio-16khz-64kbitrate-mono-mp3",
            "audio-16khz-128kbitrate-mono-mp3", "audio-24khz-16bit-24kbps-mono-opus",
            "audio-24khz-16bit-48kbps-mono-opus", "audio-24khz-48kbitrate-mono-mp3", "audio-24khz-96kbitrate-mono-mp3",
            "audio-24khz-160kbitrate-mono-mp3", "audio-48khz-96kbitrate-mono-mp3", "audio-48khz-192kbitrate-mono-mp3",
            "g722-16khz-64kbps",
            "ogg-16khz-16bit-mono-opus", "ogg-24khz-16bit-mono-opus", "ogg-48khz-16bit-mono-opus",
            "raw-8khz-8bit-mono-alaw", "raw-8khz-8bit-mono-mulaw", "raw-8khz-16bit-mono-pcm",
            "raw-16khz-16bit-mono-pcm", "raw-16khz-16bit-mono-truesilk", "raw-22050hz-16bit-mono-pcm",
            "raw-24khz-16bit-mono-pcm", "raw-24khz-16bit-mono-truesilk", "raw-44100hz-16bit-mono-pcm",
            "raw-48khz-16bit-mono-pcm",
            "webm-16khz-16bit-mono-opus", "webm-24khz-16bit-24kbps-mono-opus", "webm-24khz-16bit-mono-opus",
            "riff-8khz-8bit-mono-alaw", "riff-8khz-8bit-mono-mulaw", "riff-8khz-16bit-mono-pcm",
            "riff-22050hz-16bit-mono-pcm", "riff-24khz-16bit-mono-pcm", "riff-44100hz-16bit-mono-pcm",
            "riff-48khz-16bit-mono-pcm");

    private OutputFormats() {
    }

    /** Why {@code format} cannot be served, or null when it is {@value #RENDERED}. */
    static String problem(String format) {
        if (format == null || format.isBlank()) {
            return "The X-Microsoft-OutputFormat header is required.";
        }
        String normalised = format.strip().toLowerCase(java.util.Locale.ROOT);
        if (normalised.equals(RENDERED)) {
            return null;
        }
        if (VALID.contains(normalised)) {
            return "Output format " + format.strip() + " is valid for Azure, but this simulator renders "
                    + RENDERED + " only.";
        }
        return "Unsupported output format: " + format.strip() + ".";
    }
}
