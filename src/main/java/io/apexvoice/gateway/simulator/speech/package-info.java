/**
 * Simulated caller speech that carries its own transcript: {@link
 * io.apexvoice.gateway.simulator.speech.SpeechAudio} renders text as speech-level mu-law tones (one watermark symbol
 * per 20 ms frame) and decodes it back as it streams, so the Deepgram simulator can transcribe concurrent
 * simulated calls correctly with no side channel.
 */
package io.apexvoice.gateway.simulator.speech;
