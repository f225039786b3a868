package io.apexvoice.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A currently free loopback port, for servers whose port must be known before they start (the media plane). Taken
 * below the kernel's ephemeral range ({@code ip_local_port_range}): a port handed out here is bound later, and a
 * port from that range may meanwhile become the source port of any outgoing connection (a CI run lost a gateway
 * start that way); ports below it are never given out by the kernel on its own.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 100;
    private static final int EPHEMERAL_START = ephemeralStart();

    private FreePorts() {
    }

    public static int next() {
        if (EPHEMERAL_START > LOWEST) {
            for (int i = 0; i < ATTEMPTS; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_START);
                if (bindable(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux), or 0 when it cannot be read. */
    private static int ephemeralStart() {
        try {
            // a line reader: Files.readString of this /proc file (size 0) returned only its first byte ("3")
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
