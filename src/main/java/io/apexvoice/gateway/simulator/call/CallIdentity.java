package io.apexvoice.gateway.simulator.call;

/**
 * Who is calling whom, as Twilio reports it in every webhook.
 *
 * @param accountSid {@code AC} + 32 hex
 * @param callSid    {@code CA} + 32 hex
 * @param from       E.164 caller
 * @param to         E.164 callee
 * @param direction  {@code inbound} or {@code outbound-api}
 */
public record CallIdentity(String accountSid, String callSid, String from, String to, String direction) {
}
