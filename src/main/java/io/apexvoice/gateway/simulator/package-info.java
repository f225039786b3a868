/**
 * Loopback, protocol-faithful stand-ins for Deepgram, Groq, Azure TTS and Twilio (REST and the caller's side of a
 * call), used by the local profile, the integration tests and the benchmarks. Each simulator is a
 * {@link io.apexvoice.gateway.simulator.SimulatorServer} bound to 127.0.0.1 only, with a shared control API for
 * latency and fault injection. Nothing here is ever started in the prod profile.
 */
package io.apexvoice.gateway.simulator;
