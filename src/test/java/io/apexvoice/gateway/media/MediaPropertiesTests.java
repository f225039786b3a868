package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link MediaProperties}: what an unset value means. */
class MediaPropertiesTests {

    @Test
    void unsetValuesTakeTheirDefaults() {
        MediaProperties defaults = new MediaProperties(null, 0, 0, null, 0, 0);

        assertThat(defaults.bindHost()).isEqualTo("0.0.0.0");
        assertThat(defaults.maxMalformedFrames()).isEqualTo(50);
        assertThat(defaults.turnWorkers()).isEqualTo(8);
        assertThat(defaults.playbackLead()).isEqualTo(Duration.ofMillis(300));
        assertThat(defaults.eventLoops()).as("one media event loop per available processor")
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(defaults.framesPerMessage()).as("a media message per 20 ms frame (SPEC §6)").isEqualTo(1);
    }

    @Test
    void setValuesAreKept() {
        MediaProperties set = new MediaProperties("127.0.0.1", 7, 3, Duration.ofMillis(120), 5, 3);

        assertThat(set).isEqualTo(new MediaProperties("127.0.0.1", 7, 3, Duration.ofMillis(120), 5, 3));
        assertThat(set.framesPerMessage()).isEqualTo(3);
        assertThat(set.eventLoops()).isEqualTo(5);
        assertThat(set.playbackLead()).isEqualTo(Duration.ofMillis(120));
    }

    @Test
    void moreThan100MsOfAudioPerMessageIsRefused() {
        assertThatThrownBy(() -> new MediaProperties(null, 0, 0, null, 0, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frames-per-message must be 1-5");
    }
}
