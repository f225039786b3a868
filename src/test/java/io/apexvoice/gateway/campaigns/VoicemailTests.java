package io.apexvoice.gateway.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a campaign's voicemail policy does with each answering machine detection result. */
class VoicemailTests {

    private final Voicemail leave = new Voicemail("Hi, please call us back.", Voicemail.Policy.leave);
    private final Voicemail hangup = new Voicemail(null, Voicemail.Policy.hangup);

    @Test
    void aPersonOrAnUnclearAnswerGoesOnTalking() {
        for (Voicemail setting : new Voicemail[] {leave, hangup}) {
            assertThat(setting.actionFor(AnsweredBy.human)).isEqualTo(Voicemail.Action.CONTINUE);
            assertThat(setting.actionFor(AnsweredBy.unknown)).isEqualTo(Voicemail.Action.CONTINUE);
        }
    }

    @Test
    void theEndOfAVoicemailGreetingGetsTheMessageOrAHangUpByPolicy() {
        for (AnsweredBy end : new AnsweredBy[] {AnsweredBy.machine_end_beep, AnsweredBy.machine_end_silence,
                AnsweredBy.machine_end_other}) {
            assertThat(leave.actionFor(end)).isEqualTo(Voicemail.Action.LEAVE_MESSAGE);
            assertThat(hangup.actionFor(end)).isEqualTo(Voicemail.Action.HANG_UP);
        }
    }

    @Test
    void aFaxOrAMachineAtTheStartOfItsGreetingIsHungUpWhateverThePolicy() {
        assertThat(leave.actionFor(AnsweredBy.fax)).isEqualTo(Voicemail.Action.HANG_UP);
        assertThat(leave.actionFor(AnsweredBy.machine_start)).isEqualTo(Voicemail.Action.HANG_UP);
        assertThat(hangup.actionFor(AnsweredBy.machine_start)).isEqualTo(Voicemail.Action.HANG_UP);
    }

    @Test
    void onlyTwiliosSevenValuesAreAnswers() {
        assertThat(AnsweredBy.parse("machine_end_beep")).contains(AnsweredBy.machine_end_beep);
        assertThat(AnsweredBy.parse("machine")).isEmpty();
        assertThat(AnsweredBy.parse(null)).isEmpty();
        assertThat(AnsweredBy.values()).hasSize(7);
    }

    @Test
    void leavingNeedsAMessage() {
        assertThatThrownBy(() -> new Voicemail(" ", Voicemail.Policy.leave))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
