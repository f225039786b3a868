package io.apexvoice.gateway.intake;

/** Exchange property names the intake routes and processors share (the YAML routes use the same literals). */
final class ExchangeKeys {

    static final String TENANT = "apexTenant";
    static final String TENANT_SUSPENDED = "tenantSuspended";
    static final String FORM = "twilioForm";
    static final String CALL_SID = "callSid";
    static final String SEQUENCE_NUMBER = "sequenceNumber";
    static final String ADMITTED = "callAdmitted";

    private ExchangeKeys() {
    }
}
