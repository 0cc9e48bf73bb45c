import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Java producer (kafka-clients KafkaProducer) for bench/producer, which
 * compiles it with javac against the kafka-clients jar of test/kafka/libs.
 * It speaks the benchmark's child protocol: arguments
 *   bootstrap topic records acks(1|all) idempotent(true|false) valuesFile
 * and one "RESULT {json}" line on stdout at the end. Every setting but acks
 * and idempotence is the client's default (linger.ms 5, batch.size 16384,
 * buffer.memory 32 MiB, 5 requests in flight), as with the other clients.
 * The send loop never waits: send() blocks by itself when buffer.memory is
 * used up, which is the Java producer's backpressure.
 */
public final class ProducerBench {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int records = Integer.parseInt(args[2]);
    String acks = args[3];
    boolean idempotent = Boolean.parseBoolean(args[4]);
    List<String> lines = Files.readAllLines(Path.of(args[5]), StandardCharsets.UTF_8);
    byte[][] values = lines.stream().filter(l -> !l.isEmpty()).map(l -> l.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-java");
    props.put(ProducerConfig.ACKS_CONFIG, acks);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(records);

    long cpuBefore = os.getProcessCpuTime();
    long started = System.nanoTime();
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
    for (int i = 0; i < records; i++) {
      producer.send(new ProducerRecord<>(topic, values[i % values.length]), (metadata, error) -> {
        if (error == null) acknowledged.incrementAndGet();
        else {
          failed.incrementAndGet();
          firstError.compareAndSet(null, error.toString());
        }
        done.countDown();
      });
    }
    producer.flush();
    if (!done.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("callbacks missing after flush");
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
    producer.close();

    String error = firstError.get();
    System.out.println("RESULT {"
        + "\"acknowledged\":" + acknowledged.get()
        + ",\"failed\":" + failed.get()
        + (error == null ? "" : ",\"firstError\":" + quote(error))
        + ",\"seconds\":" + seconds
        + ",\"cpuSeconds\":" + cpuSeconds
        + ",\"peakRssBytes\":" + peakRss()
        + ",\"method\":" + quote("KafkaProducer.send(record, callback) per record, then flush(); JVM defaults")
        + "}");
  }

  private static long peakRss() throws Exception {
    Matcher m = Pattern.compile("^VmHWM:\\s+(\\d+) kB$", Pattern.MULTILINE)
        .matcher(Files.readString(Path.of("/proc/self/status")));
    if (!m.find()) throw new IllegalStateException("no VmHWM in /proc/self/status");
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
