/**
 * Loopback Deepgram live STT ({@code GET /v1/listen}, PROTOCOLS §4): {@link
 * io.apexvoice.gateway.simulator.deepgram.DeepgramSimulator} checks the handshake and hands each stream to a
 * {@code ListenSession}, which re-frames the mu-law audio, runs an energy VAD measured in audio frames
 * ({@code SpeechSegmenter}), takes each segment's words from the audio's watermark or the script
 * ({@code SegmentTranscript}), formats them ({@code TranscriptFormatter}) and sends Deepgram's messages
 * ({@code DeepgramMessages}) through a latency-injecting {@code Outbox}.
 */
package io.apexvoice.gateway.simulator.deepgram;
