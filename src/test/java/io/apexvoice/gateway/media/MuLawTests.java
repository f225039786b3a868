package io.apexvoice.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MuLawTests {

    @Test
    void silenceDecodesToZeroAndZeroByteIsFullScaleNegative() {
        assertThat(MuLaw.decode((byte) 0xFF)).isZero();
        assertThat(MuLaw.decode((byte) 0x7F)).isZero();
        assertThat(MuLaw.decode((byte) 0x00)).isEqualTo((short) -32124);
        assertThat(MuLaw.decode((byte) 0x80)).isEqualTo((short) 32124);
    }

    @Test
    void encodesTheClassicReferenceValues() {
        assertThat(MuLaw.encode(0)).isEqualTo((byte) 0xFF);
        assertThat(MuLaw.encode(32767)).isEqualTo((byte) 0x80);
        assertThat(MuLaw.encode(-32768)).isEqualTo((byte) 0x00);
        assertThat(MuLaw.encode(1000)).isEqualTo((byte) 0xCE);
        assertThat(MuLaw.encode(-1000)).isEqualTo((byte) 0x4E);
    }

    @Test
    void roundTripsEveryCodeAndStaysWithinOneStepForLinearInput() {
        for (int code = 0; code < 256; code++) {
            byte b = (byte) code;
            if (code == 0x7F) {
                continue; // negative zero re-encodes as positive zero 0xFF
            }
            assertThat(MuLaw.encode(MuLaw.decode(b))).as("code %02x", code).isEqualTo(b);
        }
        for (int s = -32000; s <= 32000; s += 97) {
            int back = MuLaw.decode(MuLaw.encode(s));
            assertThat(Math.abs(back - s)).isLessThanOrEqualTo(Math.max(8, Math.abs(s) / 16));
        }
    }

    @Test
    void measuresLevel() {
        assertThat(MuLaw.rms(MuLaw.silence(160), 0, 160)).isZero();
        byte[] loud = new byte[160];
        for (int i = 0; i < loud.length; i++) {
            loud[i] = MuLaw.encode(i % 2 == 0 ? 8000 : -8000);
        }
        assertThat(MuLaw.rms(loud, 0, 160)).isBetween(7500.0, 8500.0);
    }
}
