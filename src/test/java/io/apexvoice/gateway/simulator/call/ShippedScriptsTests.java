package io.apexvoice.gateway.simulator.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The caller scripts shipped in scripts/calls (referenced by the README) stay valid. */
class ShippedScriptsTests {

    @Test
    void everyShippedCallerScriptParses() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(Path.of("scripts/calls"))) {
            scripts = files.filter(f -> f.toString().endsWith(".yaml")).toList();
        }
        assertThat(scripts).isNotEmpty();
        for (Path script : scripts) {
            assertThat(ScriptParser.parse(script).steps()).as(script.toString()).isNotEmpty();
        }
    }
}
