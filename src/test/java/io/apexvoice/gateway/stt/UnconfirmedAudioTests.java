package io.apexvoice.gateway.stt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnconfirmedAudioTests {

    /** 20 ms of mu-law (160 bytes) whose bytes all carry {@code mark}, so frames can be told apart. */
    private static byte[] frame(int mark) {
        byte[] frame = new byte[160];
        java.util.Arrays.fill(frame, (byte) mark);
        return frame;
    }

    /** The mark of every 20 ms frame in {@code chunks}, in order (chunks need not be frames). */
    private static List<Integer> marks(List<byte[]> chunks) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        chunks.forEach(all::writeBytes);
        byte[] bytes = all.toByteArray();
        assertThat(bytes.length % 160).as("whole frames").isZero();
        List<Integer> marks = new java.util.ArrayList<>();
        for (int at = 0; at < bytes.length; at += 160) {
            for (int i = at; i < at + 160; i++) {
                assertThat((int) bytes[i]).as("byte %d", i).isEqualTo((int) bytes[at]);
            }
            marks.add((int) bytes[at]);
        }
        return marks;
    }

    @Test
    void keepsWhatNoFinalResultCoversAndHandsItOverOnce() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000);
        for (int i = 1; i <= 5; i++) {
            audio.sent(frame(i)); // 0.02 s each
        }
        audio.confirmedUpTo(0.04);

        assertThat(marks(audio.takeAll())).containsExactly(3, 4, 5);
        assertThat(audio.takeAll()).isEmpty();
    }

    @Test
    void aNewConnectionCountsItsAudioFromZero() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000);
        audio.sent(frame(1));
        audio.sent(frame(2));
        audio.takeAll();
        audio.sent(frame(3));
        audio.sent(frame(4));
        audio.confirmedUpTo(0.02);

        assertThat(marks(audio.takeAll())).containsExactly(4);
    }

    @Test
    void forgetsTheOldestAudioBeyondItsBound() {
        UnconfirmedAudio audio = new UnconfirmedAudio(320);
        for (int i = 1; i <= 4; i++) {
            audio.sent(frame(i));
        }

        assertThat(marks(audio.takeAll())).containsExactly(3, 4);
    }

    @Test
    void aFinalPastEverythingSentLeavesNothing() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000);
        audio.sent(frame(1));
        audio.confirmedUpTo(3.5);

        assertThat(audio.takeAll()).isEmpty();
    }

    @Test
    void keepsItsBoundAcrossManyWrapsAndAGrowingRing() {
        UnconfirmedAudio audio = new UnconfirmedAudio(8000); // 50 frames
        for (int i = 1; i <= 120; i++) {
            audio.sent(frame(i));
            if (i == 70) {
                audio.confirmedUpTo(1.3); // frames 1..65 (the ring holds 21..70)
            }
        }

        assertThat(marks(audio.takeAll())).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(71, 120).boxed().toList());
    }

    @Test
    void confirmsPartOfAFrameAndHandsBackTheRestInChunks() {
        UnconfirmedAudio audio = new UnconfirmedAudio(80_000);
        for (int i = 1; i <= 60; i++) {
            audio.sent(frame(i));
        }
        audio.confirmedUpTo(0.01); // half of frame 1

        List<byte[]> chunks = audio.takeAll();
        assertThat(chunks).allSatisfy(
                chunk -> assertThat(chunk.length).isLessThanOrEqualTo(UnconfirmedAudio.CHUNK_BYTES));
        assertThat(chunks.stream().mapToInt(chunk -> chunk.length).sum()).isEqualTo(60 * 160 - 80);
        assertThat((int) chunks.get(0)[0]).isEqualTo(1);
        assertThat((int) chunks.get(0)[80]).isEqualTo(2);
    }

    @Test
    void takesPagesAsAudioComesAndGivesThemBackWhenConfirmedOrReleased() {
        AudioPages pool = new AudioPages(100);
        UnconfirmedAudio audio = new UnconfirmedAudio(8000, pool); // 2 pages at most
        for (int i = 1; i <= 30; i++) { // 4800 bytes: two pages taken, none free
            audio.sent(frame(i));
        }
        assertThat(pool.free()).isZero();
        assertThat(pool.keptBytes()).isEqualTo(2L * AudioPages.PAGE_BYTES);

        audio.confirmedUpTo(0.5); // the first page (4000 bytes) is covered
        assertThat(pool.free()).isEqualTo(1);
        for (int i = 31; i <= 100; i++) { // past the bound: the oldest pages are reused
            audio.sent(frame(i));
        }
        assertThat(marks(audio.takeAll())).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(51, 100).boxed().toList());
        int afterTake = pool.free(); // every page back: 5 s of audio needed no more than 3 (2 full + 1 partial)
        assertThat(afterTake).isBetween(2, 3);

        assertThat(pool.keptBytes()).isZero();
        audio.sent(frame(101));
        assertThat(pool.keptBytes()).isEqualTo(AudioPages.PAGE_BYTES);
        audio.release();
        assertThat(pool.free()).isEqualTo(afterTake);
        assertThat(pool.keptBytes()).isZero();
        audio.sent(frame(102)); // after release: counted, not kept
        assertThat(pool.free()).isEqualTo(afterTake);
        assertThat(audio.takeAll()).isEmpty();
    }

    @Test
    void keepsNoMoreFreePagesThanItsBound() {
        AudioPages pool = new AudioPages(2);
        java.util.List<java.nio.ByteBuffer> out = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            out.add(pool.take());
        }
        out.forEach(pool::give);

        assertThat(pool.free()).isEqualTo(2);
        assertThat(pool.take()).isIn(out);
        assertThat(pool.free()).isEqualTo(1);
    }
}
