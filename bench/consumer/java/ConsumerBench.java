import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Java consumer (kafka-clients KafkaConsumer) for bench/consumer, which
 * compiles it with javac against the kafka-clients jar of test/kafka/libs.
 * Arguments: bootstrap topic partitions records groupId. It subscribes
 * with a group of its own, reads from the earliest offset and polls until
 * it has seen `records` records, checking that each partition's offsets
 * follow one another from 0 (as the Node children do), then prints one
 * "RESULT {json}" line. Every setting but the group, auto.offset.reset and
 * the byte-array deserializers is the client's default (max.poll.records
 * 500, fetch.max.bytes 50 MiB, max.partition.fetch.bytes 1 MiB).
 */
public final class ConsumerBench {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    long records = Long.parseLong(args[3]);
    String groupId = args[4];

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long[] next = new long[partitions];
    long counted = 0;
    long gaps = 0;
    String firstGap = null;
    long firstAt = 0;

    long cpuBefore = os.getProcessCpuTime();
    long started = System.nanoTime();
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(topic));
    long deadline = started + Duration.ofMinutes(10).toNanos();
    while (counted < records) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("only " + counted + " records in 10 minutes");
      ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
      for (ConsumerRecord<byte[], byte[]> record : polled) {
        if (firstAt == 0) firstAt = System.nanoTime();
        int p = record.partition();
        if (record.offset() != next[p]) {
          gaps++;
          if (firstGap == null) firstGap = "partition " + p + ": offset " + record.offset() + " after " + (next[p] - 1);
        }
        next[p] = record.offset() + 1;
        counted++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
    consumer.close();

    StringBuilder perPartition = new StringBuilder("[");
    for (int p = 0; p < partitions; p++) perPartition.append(p == 0 ? "" : ",").append(next[p]);
    perPartition.append(']');
    System.out.println("RESULT {"
        + "\"counted\":" + counted
        + ",\"perPartition\":" + perPartition
        + ",\"gaps\":" + gaps
        + (firstGap == null ? "" : ",\"firstGap\":\"" + firstGap + "\"")
        + ",\"seconds\":" + seconds
        + ",\"firstRecordSeconds\":" + (firstAt - started) / 1e9
        + ",\"cpuSeconds\":" + cpuSeconds
        + ",\"peakRssBytes\":" + peakRss()
        + ",\"method\":\"KafkaConsumer.poll(100 ms) loop, subscribe, JVM and client defaults\""
        + "}");
  }

  private static long peakRss() throws Exception {
    Matcher m = Pattern.compile("^VmHWM:\\s+(\\d+) kB$", Pattern.MULTILINE)
        .matcher(Files.readString(Path.of("/proc/self/status")));
    if (!m.find()) throw new IllegalStateException("no VmHWM in /proc/self/status");
    return Long.parseLong(m.group(1)) * 1024;
  }
}
