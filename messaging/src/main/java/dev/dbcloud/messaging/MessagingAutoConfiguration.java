package dev.dbcloud.messaging;

import dev.dbcloud.common.Topics;
import dev.dbcloud.common.serde.AvroEventDeserializer;
import dev.dbcloud.common.serde.AvroEventSerializer;
import dev.dbcloud.common.serde.EventCodec;
import dev.dbcloud.common.serde.UndecodableRecordException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The Kafka wiring every dbcloud service shares: Avro single-object values (raw bytes pass through for the
 * outbox relay and for dead letters), an idempotent {@code acks=all} producer, the dbcloud topics and their
 * dead-letter topics, and the one container error handler: bounded exponential back-off, then the record's
 * {@code -dlt} topic; records that cannot be decoded go there at once.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(MessagingProperties.class)
public class MessagingAutoConfiguration {

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    DefaultKafkaProducerFactoryCustomizer dbcloudProducerFactoryCustomizer(EventCodec codec) {
        Map<Class<?>, Serializer<?>> byType = new LinkedHashMap<>();
        byType.put(byte[].class, new ByteArraySerializer());
        byType.put(SpecificRecordBase.class, new AvroEventSerializer(codec));
        return factory -> {
            DefaultKafkaProducerFactory raw = factory;
            raw.setKeySerializer(new StringSerializer());
            raw.setValueSerializer(new DelegatingByTypeSerializer(byType, true));
            raw.updateConfigs(Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.ACKS_CONFIG, "all"));
        };
    }

    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    DefaultKafkaConsumerFactoryCustomizer dbcloudConsumerFactoryCustomizer(EventCodec codec) {
        Deserializer<SpecificRecordBase> values = new ErrorHandlingDeserializer<>(new AvroEventDeserializer(codec));
        return factory -> {
            DefaultKafkaConsumerFactory raw = factory;
            raw.setKeyDeserializer(new StringDeserializer());
            raw.setValueDeserializer(values);
            raw.updateConfigs(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        };
    }

    @Bean
    KafkaAdmin.NewTopics dbcloudTopics(MessagingProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : Topics.ALL) {
            topics.add(topic(topic, properties));
            topics.add(topic(Topics.deadLetter(topic), properties));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static NewTopic topic(String name, MessagingProperties properties) {
        return TopicBuilder.name(name)
                .partitions(properties.partitions())
                .replicas(properties.replicationFactor())
                .build();
    }

    /** Health {@code kafka}: in the readiness group of every service that takes its work from Kafka (not the gateway's). */
    @Bean
    KafkaHealth kafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
        return new KafkaHealth(kafkaAdmin, Duration.ofSeconds(3));
    }

    /**
     * The one container error handler. Each record it gives up on counts in {@code dbcloud.dlt.records}, tagged with
     * the topic it came from and the exception's class, before it is published to that topic's {@code -dlt}.
     */
    @Bean
    CommonErrorHandler dbcloudErrorHandler(KafkaTemplate<Object, Object> template, MessagingProperties properties,
            MeterRegistry meters) {
        // The producer picks the dead-letter partition by the record's key (a negative partition): a dead-letter
        // topic that a consumer's subscription created first, with the broker's default partition count, may have
        // fewer partitions than its source, and a record sent to one it lacks would never get there.
        DeadLetterPublishingRecoverer publish = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        ConsumerRecordRecoverer deadLetters = (record, exception) -> {
            publish.accept(record, exception);
            Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
            meters.counter("dbcloud.dlt.records", "topic", record.topic(), "exception", cause.getClass().getSimpleName())
                    .increment();
        };
        ExponentialBackOff backOff = new ExponentialBackOff(properties.retryInterval().toMillis(), 2.0);
        backOff.setMaxInterval(properties.retryInterval().toMillis() * 5);
        backOff.setMaxAttempts(properties.retryAttempts());
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, backOff);
        handler.addNotRetryableExceptions(UndecodableRecordException.class, InvalidRecordException.class);
        return handler;
    }

    /**
     * A listener container asked to stop finishes the record in hand, not the rest of its poll (up to 500
     * records): a stop takes seconds, and the records not handled are delivered again at the next start, since
     * their offsets were never committed.
     */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> dbcloudStopAfterTheRecordInHand() {
        return container -> container.getContainerProperties().setStopImmediate(true);
    }
}
