package io.apexvoice.gateway.simulator.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What answering machine detection reports for each kind of callee, mode and timeout. */
class AnsweringMachineTests {

    @Test
    void enableReportsMachinesAtTheStartOfTheirGreeting() {
        assertThat(AnsweringMachine.detect("Enable", "machine_end_beep", 900, 30))
                .isEqualTo(new AnsweringMachine.Result("machine_start", 900));
        assertThat(AnsweringMachine.detect("Enable", "machine_start", 900, 30).answeredBy()).isEqualTo("machine_start");
        assertThat(AnsweringMachine.detect("Enable", "human", 900, 30).answeredBy()).isEqualTo("human");
        assertThat(AnsweringMachine.detect("Enable", "fax", 900, 30).answeredBy()).isEqualTo("fax");
    }

    @Test
    void detectMessageEndNamesHowTheGreetingEnded() {
        assertThat(AnsweringMachine.detect("DetectMessageEnd", "machine_end_silence", 5000, 30).answeredBy())
                .isEqualTo("machine_end_silence");
        assertThat(AnsweringMachine.detect("DetectMessageEnd", "machine_start", 5000, 30).answeredBy())
                .isEqualTo("machine_end_other");
        assertThat(AnsweringMachine.detect("DetectMessageEnd", "unknown", 5000, 30).answeredBy()).isEqualTo("unknown");
    }

    @Test
    void detectionSlowerThanTheTimeoutGivesUpWithUnknownAtTheTimeout() {
        assertThat(AnsweringMachine.detect("DetectMessageEnd", "machine_end_beep", 3001, 3))
                .isEqualTo(new AnsweringMachine.Result("unknown", 3000));
        assertThat(AnsweringMachine.detect("Enable", "human", 3000, 3).answeredBy()).isEqualTo("human");
    }

    @Test
    void machinesAndFaxesListenInsteadOfTalking() {
        assertThat(AnsweringMachine.isMachine("machine_end_other")).isTrue();
        assertThat(AnsweringMachine.isMachine("fax")).isTrue();
        assertThat(AnsweringMachine.isMachine("human")).isFalse();
        assertThat(AnsweringMachine.isMachine("unknown")).isFalse();
    }
}
