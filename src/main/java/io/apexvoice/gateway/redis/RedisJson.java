package io.apexvoice.gateway.redis;

import java.io.IOException;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.apexvoice.gateway.call.CallSid;
import io.apexvoice.gateway.call.InvalidIdentifierException;
import io.apexvoice.gateway.call.TenantId;

/**
 * The JSON mapping of values the gateway stores in Redis. Owned here rather than borrowed from the application's
 * {@code ObjectMapper}, so what is in Redis does not change when someone tunes the web layer's JSON.
 * {@link TenantId} and {@link CallSid} are written as plain strings; unknown properties are ignored on read, so an
 * older pod can read what a newer one wrote.
 */
public final class RedisJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("apex-ids")
                    .addSerializer(TenantId.class, new AsString<>())
                    .addDeserializer(TenantId.class, new FromString<>(TenantId::of))
                    .addSerializer(CallSid.class, new AsString<>())
                    .addDeserializer(CallSid.class, new FromString<>(CallSid::of)))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RedisJson() {
    }

    /** @return the shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static final class AsString<T> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }

    private static final class FromString<T> extends JsonDeserializer<T> {
        private final Function<String, T> factory;

        FromString(Function<String, T> factory) {
            this.factory = factory;
        }

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            try {
                return factory.apply(parser.getValueAsString());
            } catch (InvalidIdentifierException e) {
                throw JsonMappingException.from(parser, e.getMessage(), e);
            }
        }
    }
}
