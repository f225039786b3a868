package io.apexvoice.gateway.simulator.call;

import java.util.Map;

/**
 * What the simulated Twilio received from the gateway on one stream.
 *
 * @param frames       {@code media} messages accepted
 * @param audioMillis  milliseconds of agent audio received (8 bytes per ms)
 * @param playedMillis milliseconds of it played out before the stream ended (the rest was cleared or cut off)
 * @param marks        {@code mark} messages received
 * @param marksPlayed  marks echoed because their audio played out
 * @param marksFlushed marks echoed because a {@code clear} dropped their audio
 * @param clears       {@code clear} messages received
 * @param anomalies    count per anomaly: {@code invalid_json}, {@code unknown_event}, {@code wrong_stream_sid},
 *                     {@code missing_field}, {@code bad_base64}, {@code empty_payload}, {@code riff_header},
 *                     {@code binary_frame}
 */
public record AgentAudioStats(long frames, long audioMillis, long playedMillis, long marks, long marksPlayed,
        long marksFlushed, long clears, Map<String, Integer> anomalies) {

    public AgentAudioStats {
        anomalies = Map.copyOf(anomalies);
    }

    public static AgentAudioStats none() {
        return new AgentAudioStats(0, 0, 0, 0, 0, 0, 0, Map.of());
    }

    public int anomalyCount() {
        return anomalies.values().stream().mapToInt(Integer::intValue).sum();
    }
}
