package io.apexvoice.gateway;

import io.apexvoice.gateway.providers.firestore.TenantAdminCommand;
import io.apexvoice.gateway.simulator.ProviderSimulatorsCommand;
import io.apexvoice.gateway.simulator.call.SimulateCallCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /**
     * Starts the gateway; {@code simulate-call …} instead runs the call simulator without Spring (SPEC §9),
     * {@code simulators …} runs the provider simulators in a process of their own, {@code tenant-admin …} edits the
     * Firestore tenant source.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("simulate-call")) {
            System.exit(SimulateCallCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        } else if (args.length > 0 && args[0].equals("simulators")) {
            System.exit(ProviderSimulatorsCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        } else if (args.length > 0 && args[0].equals("tenant-admin")) {
            System.exit(TenantAdminCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        } else {
            SpringApplication.run(GatewayApplication.class, args);
        }
    }
}
