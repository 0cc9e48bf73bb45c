import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Drives the Java client (kafka-clients from Maven Central) for the
 * compatibility suite. test/compat/support/java-client.ts compiles it against
 * the jars in test/kafka/libs and runs it.
 *
 * Usage: JavaClient MODE [options]
 *
 * Modes:
 *   consume     --bootstrap B --topic T: assign every partition (no group), read
 *               from the beginning to the end offsets, print every record
 *   partitions  --counts 1,3,...: read base64 keys from stdin, one per line, and print
 *               for each count the partition the producer's built-in partitioner picks
 *               for every key (BuiltInPartitioner.partitionForKey, the code KafkaProducer
 *               runs for a keyed record with no partitioner configured)
 *   produce     --bootstrap B --topics T1,T2: read base64 keys from stdin and send each
 *               to every topic through a KafkaProducer with its default settings (acks
 *               all, idempotence, default partitioner), print each delivery
 *
 * Every stdout line is one JSON object; bytes (keys, values, header names and
 * values) travel as base64 so that nothing is lost on the way. Diagnostics go
 * to stderr; a failure exits non-zero.
 */
public final class JavaClient {
  private JavaClient() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: JavaClient consume|partitions|produce [options]");
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
    // one buffered writer: a println per record through System.out would flush thousands of times
    try (Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)) {
      switch (args[0]) {
        case "consume" -> consume(required(options, "--bootstrap"), required(options, "--topic"), timeout(options), out);
        case "partitions" -> partitions(required(options, "--counts"), out);
        case "produce" -> produce(required(options, "--bootstrap"), required(options, "--topics"), timeout(options), out);
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      }
    }
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException(name + " is required");
    return value;
  }

  private static Duration timeout(Map<String, String> options) {
    return Duration.ofSeconds(Long.parseLong(options.getOrDefault("--timeout", "20")));
  }

  private static String b64(byte[] data) {
    return data == null ? "null" : "\"" + Base64.getEncoder().encodeToString(data) + "\"";
  }

  private static List<byte[]> readKeys() throws IOException {
    List<byte[]> keys = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    for (String line; (line = in.readLine()) != null; ) {
      // an empty line is the empty key, which is not a null key: it has a partition of its own
      keys.add(Base64.getDecoder().decode(line.trim()));
    }
    return keys;
  }

  private static void consume(String bootstrap, String topic, Duration timeout, Writer out) throws IOException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-compat-java");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      long count = 0;
      while (!atEnd(consumer, ends)) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("timed out before the end offsets " + ends);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          StringBuilder headers = new StringBuilder("[");
          for (Header h : r.headers()) {
            if (headers.length() > 1) headers.append(',');
            headers.append('[').append(b64(h.key().getBytes(StandardCharsets.UTF_8))).append(',').append(b64(h.value())).append(']');
          }
          headers.append(']');
          out.write("{\"type\":\"record\",\"partition\":" + r.partition() + ",\"offset\":" + r.offset()
              + ",\"timestamp\":" + r.timestamp() + ",\"timestampType\":\"" + r.timestampType().name()
              + "\",\"key\":" + b64(r.key()) + ",\"value\":" + b64(r.value()) + ",\"headers\":" + headers + "}\n");
          count++;
        }
      }
      out.write("{\"type\":\"consumed\",\"count\":" + count + "}\n");
    }
  }

  private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) return false;
    }
    return true;
  }

  private static void partitions(String counts, Writer out) throws IOException {
    List<byte[]> keys = readKeys();
    for (String text : counts.split(",")) {
      int count = Integer.parseInt(text.trim());
      StringBuilder line = new StringBuilder("{\"type\":\"partitions\",\"count\":" + count + ",\"partitions\":[");
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) line.append(',');
        line.append(BuiltInPartitioner.partitionForKey(keys.get(i), count));
      }
      out.write(line.append("]}\n").toString());
    }
  }

  private static void produce(String bootstrap, String topics, Duration timeout, Writer out) throws Exception {
    List<byte[]> keys = readKeys();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-compat-java");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String topic : topics.split(",")) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
          byte[] value = ("java-" + i).getBytes(StandardCharsets.UTF_8);
          sent.add(producer.send(new ProducerRecord<>(topic, keys.get(i), value)));
        }
        producer.flush();
        for (int i = 0; i < sent.size(); i++) {
          RecordMetadata m = sent.get(i).get();
          out.write("{\"type\":\"delivery\",\"topic\":\"" + topic + "\",\"seq\":" + i + ",\"partition\":"
              + m.partition() + ",\"offset\":" + m.offset() + "}\n");
        }
      }
    }
  }
}
