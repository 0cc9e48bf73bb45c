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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.errors.WakeupException;
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
 *   group-consume --bootstrap B --group G --topic T --assignor cooperative-sticky|range:
 *               a member of group G subscribed to T (from the beginning, auto commit every
 *               200 ms, 6 s sessions) until SIGTERM, which closes it (commit, leave). Prints
 *               {"type":"assigned","partitions":[...]} with everything it holds after each
 *               change, {"type":"revoked","partitions":[...]} with what it gave up,
 *               {"type":"leader"} each time it computes the group's assignment,
 *               {"type":"record","partition","offset","value"} (value as UTF-8 text) and
 *               {"type":"closed"}: the same lines as test/compat/groups/clients/*_member.py
 *
 * Every stdout line is one JSON object; bytes (keys, values, header names and
 * values) travel as base64 so that nothing is lost on the way. Diagnostics go
 * to stderr; a failure exits non-zero.
 */
public final class JavaClient {
  private JavaClient() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: JavaClient consume|partitions|produce|group-consume [options]");
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
    // one buffered writer: a println per record through System.out would flush thousands of times
    try (Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)) {
      switch (args[0]) {
        case "consume" -> consume(required(options, "--bootstrap"), required(options, "--topic"), timeout(options), out);
        case "partitions" -> partitions(required(options, "--counts"), out);
        case "produce" -> produce(required(options, "--bootstrap"), required(options, "--topics"), timeout(options), out);
        case "group-consume" -> groupConsume(required(options, "--bootstrap"), required(options, "--group"),
            required(options, "--topic"), required(options, "--assignor"), timeout(options), out);
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

  /** Where group-consume lines go: the rebalance listener and the assignors write from the poll thread, SIGTERM from its own. */
  private static Writer groupOut;

  private static synchronized void emit(String line) {
    try {
      groupOut.write(line + "\n");
      // the test reacts to each line as it comes: nothing may wait in the buffer
      groupOut.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String partitionList(Collection<Integer> partitions) {
    StringBuilder list = new StringBuilder("[");
    for (int p : partitions) list.append(list.length() > 1 ? "," : "").append(p);
    return list.append(']').toString();
  }

  private static String jsonText(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }

  /**
   * Java's own assignors, unchanged except that they say when they run: only
   * the member the coordinator made leader computes the assignment. The
   * names they announce to the group are their parents'.
   */
  public static final class ReportingCooperativeStickyAssignor extends CooperativeStickyAssignor {
    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription subscriptions) {
      emit("{\"type\":\"leader\"}");
      return super.assign(metadata, subscriptions);
    }
  }

  public static final class ReportingRangeAssignor extends RangeAssignor {
    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription subscriptions) {
      emit("{\"type\":\"leader\"}");
      return super.assign(metadata, subscriptions);
    }
  }

  private static void groupConsume(String bootstrap, String group, String topic, String assignor, Duration timeout,
      Writer out) throws InterruptedException {
    groupOut = out;
    Class<?> assignorClass = switch (assignor) {
      case "cooperative-sticky" -> ReportingCooperativeStickyAssignor.class;
      case "range" -> ReportingRangeAssignor.class;
      default -> throw new IllegalArgumentException("unknown assignor " + assignor);
    };
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-compat-java");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
    props.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "200");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(assignorClass));
    TreeSet<Integer> held = new TreeSet<>();
    Thread main = Thread.currentThread();
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    // SIGTERM: interrupt the poll and wait while main closes the consumer, which commits and leaves the group
    Thread onTerm = new Thread(() -> {
      consumer.wakeup();
      try {
        main.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(onTerm);
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      // eager assignors (range) pass everything each time; cooperative-sticky only what changed
      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) held.add(tp.partition());
        emit("{\"type\":\"assigned\",\"partitions\":" + partitionList(held) + "}");
      }

      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        TreeSet<Integer> revoked = new TreeSet<>();
        for (TopicPartition tp : partitions) revoked.add(tp.partition());
        held.removeAll(revoked);
        emit("{\"type\":\"revoked\",\"partitions\":" + partitionList(revoked) + "}");
      }
    });
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          emit("{\"type\":\"record\",\"partition\":" + r.partition() + ",\"offset\":" + r.offset()
              + ",\"value\":" + jsonText(new String(r.value(), StandardCharsets.UTF_8)) + "}");
        }
      }
    } catch (WakeupException stopping) {
      // SIGTERM: close below
    } finally {
      consumer.close();
      emit("{\"type\":\"closed\"}");
    }
  }
}
