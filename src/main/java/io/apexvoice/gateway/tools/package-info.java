/**
 * Agent actions (issue 15): the functions a tenant's agent may call during a turn. {@link Toolbox} offers each tenant
 * the tools it enabled and runs the model's calls; each kind of tool is a {@link ToolSource} bean (the built-in
 * {@code transfer_call}, {@code end_call}, {@code send_dtmf}, and the tenant's HTTP tools).
 */
package io.apexvoice.gateway.tools;
