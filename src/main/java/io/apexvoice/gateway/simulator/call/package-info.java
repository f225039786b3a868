/**
 * Twilio's side of a phone call, for local runs, integration tests and benchmarks: the signed voice webhook, the
 * TwiML answer, the Media Streams WebSocket with real-time 20 ms mu-law frames from a caller script, Twilio's
 * playout buffer for the agent's audio (mark echoes, {@code clear}), the terminal status callback, and a timeline
 * of every call with latency percentiles. {@link io.apexvoice.gateway.simulator.call.CallSimulator} is the API,
 * {@link io.apexvoice.gateway.simulator.call.SimulateCallCommand} the {@code simulate-call} command line.
 */
package io.apexvoice.gateway.simulator.call;
