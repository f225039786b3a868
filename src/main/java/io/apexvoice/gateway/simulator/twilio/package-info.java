/**
 * A loopback stand-in for Twilio's REST API (PROTOCOLS §3): outbound call creation with Basic auth, Twilio's
 * validation errors, CPS pacing, injectable 429/5xx, and simulated dialling that rings, answers through the call
 * simulator and posts signed status callbacks.
 */
package io.apexvoice.gateway.simulator.twilio;
