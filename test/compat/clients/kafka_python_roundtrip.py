"""Drives kafka-python (Debian's python3-kafka) for the compatibility suite.

Usage: kafka_python_roundtrip.py MODE [--bootstrap HOST:PORT --topic T] [options]

Modes:
  codecs   print which compression codecs this installation can write
           (gzip is built in; snappy, lz4 and zstd need optional modules)
  create   create the topic with --partitions partitions (KafkaAdminClient)
  produce  read records from stdin, one JSON object per line
           {"key": b64|null, "value": b64|null, "headers": [[name, b64]], "timestamp": ms|null},
           send them in order with --codec, and print one delivery report per record
  consume  assign every partition, seek to the beginning (no consumer group), read
           up to the end offsets, and print every record
  offsets  print beginning and end offsets of every partition and the offset found
           for each --times timestamp in every partition

Everything printed on stdout is one JSON object per line; diagnostics go to stderr.
Bytes travel as base64 so that binary keys, values and headers survive.
"""

import argparse
import base64
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition, codec
from kafka.admin import KafkaAdminClient, NewTopic


# kafka-python probes the broker's versions when a client is made and gives up with
# NoBrokersAvailable after api_version_auto_timeout_ms, 2 s by default: too short on a
# CI machine busy with JVMs and other clients. The probe answers at once when it can.
PROBE_TIMEOUT_MS = 30_000


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(text):
    return None if text is None else base64.b64decode(text)


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")


def codecs(_args):
    available = ["none", "gzip"]
    if codec.has_snappy():
        available.append("snappy")
    if codec.has_lz4():
        available.append("lz4")
    if codec.has_zstd():
        available.append("zstd")
    emit({"type": "codecs", "codecs": available})


def create(args):
    admin = KafkaAdminClient(
        bootstrap_servers=args.bootstrap,
        request_timeout_ms=int(args.timeout * 1000),
        api_version_auto_timeout_ms=PROBE_TIMEOUT_MS,
    )
    response = admin.create_topics(
        [NewTopic(args.topic, num_partitions=args.partitions, replication_factor=1)],
        timeout_ms=int(args.timeout * 1000),
    )
    # kafka-python hands back the raw response; a failed topic only shows as an error code
    for name, error_code, *_ in response.topic_errors:
        if error_code != 0:
            raise SystemExit(f"CreateTopics {name} failed with error code {error_code}")
    admin.close()
    emit({"type": "created", "topic": args.topic})


def produce(args):
    producer = KafkaProducer(
        bootstrap_servers=args.bootstrap,
        compression_type=None if args.codec == "none" else args.codec,
        acks="all",
        linger_ms=5,
        api_version_auto_timeout_ms=PROBE_TIMEOUT_MS,
        # the default partitioner is the Java client's murmur2 on the key
    )
    reports = []

    def delivered(seq):
        def on_success(metadata):
            reports.append({"seq": seq, "partition": metadata.partition, "offset": metadata.offset, "error": None})

        return on_success

    def failed(seq):
        def on_error(exc):
            reports.append({"seq": seq, "partition": -1, "offset": -1, "error": repr(exc)})

        return on_error

    count = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        future = producer.send(
            args.topic,
            key=unb64(record["key"]),
            value=unb64(record["value"]),
            headers=[(name, unb64(value)) for name, value in record["headers"]],
            timestamp_ms=record.get("timestamp"),
        )
        future.add_callback(delivered(count))
        future.add_errback(failed(count))
        count += 1
    producer.flush(timeout=args.timeout)
    producer.close(timeout=args.timeout)
    for report in reports:
        emit({"type": "delivery", **report})
    errors = [r["error"] for r in reports if r["error"] is not None]
    if errors:
        raise SystemExit(f"{len(errors)} delivery failures, first: {errors[0]}")
    if len(reports) != count:
        raise SystemExit(f"{count - len(reports)} records without a delivery report")
    emit({"type": "produced", "count": count})


def consumer_for(args):
    # group_id None: no coordinator, no commits, partitions are assigned by hand
    return KafkaConsumer(
        bootstrap_servers=args.bootstrap,
        group_id=None,
        enable_auto_commit=False,
        request_timeout_ms=int(args.timeout * 1000) + 1000,
        api_version_auto_timeout_ms=PROBE_TIMEOUT_MS,
    )


def topic_partitions(consumer, topic, timeout):
    deadline = time.monotonic() + timeout
    while True:
        found = consumer.partitions_for_topic(topic)
        if found:
            return [TopicPartition(topic, p) for p in sorted(found)]
        if time.monotonic() > deadline:
            raise SystemExit(f"no metadata for topic {topic}")
        time.sleep(0.1)


def consume(args):
    consumer = consumer_for(args)
    partitions = topic_partitions(consumer, args.topic, args.timeout)
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    count = 0
    deadline = time.monotonic() + args.timeout
    while any(consumer.position(tp) < ends[tp] for tp in partitions):
        if time.monotonic() > deadline:
            positions = {tp.partition: consumer.position(tp) for tp in partitions}
            raise SystemExit(f"timed out at positions {positions}, end offsets {ends}")
        for tp, messages in consumer.poll(timeout_ms=500, max_records=5000).items():
            for msg in messages:
                emit(
                    {
                        "type": "record",
                        "partition": tp.partition,
                        "offset": msg.offset,
                        "timestamp": msg.timestamp,
                        "timestampType": msg.timestamp_type,
                        "key": b64(msg.key),
                        "value": b64(msg.value),
                        "headers": [[name, b64(value)] for name, value in (msg.headers or [])],
                    }
                )
                count += 1
    consumer.close()
    emit({"type": "consumed", "count": count})


def offsets(args):
    consumer = consumer_for(args)
    partitions = topic_partitions(consumer, args.topic, args.timeout)
    beginning = consumer.beginning_offsets(partitions)
    end = consumer.end_offsets(partitions)
    for tp in partitions:
        emit({"type": "watermarks", "partition": tp.partition, "low": beginning[tp], "high": end[tp]})
    for ts in args.times:
        found = consumer.offsets_for_times({tp: ts for tp in partitions})
        for tp in partitions:
            hit = found[tp]
            # kafka-python gives None where Kafka found no record at or after the time
            emit(
                {
                    "type": "time",
                    "partition": tp.partition,
                    "timestamp": ts,
                    "offset": -1 if hit is None else hit.offset,
                    "recordTimestamp": -1 if hit is None else hit.timestamp,
                }
            )
    consumer.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["codecs", "create", "produce", "consume", "offsets"])
    parser.add_argument("--bootstrap")
    parser.add_argument("--topic")
    parser.add_argument("--codec", default="none", choices=["none", "gzip", "snappy", "lz4", "zstd"])
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--times", type=lambda s: [int(t) for t in s.split(",") if t], default=[])
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    if args.mode != "codecs" and (args.bootstrap is None or args.topic is None):
        parser.error("--bootstrap and --topic are required")
    modes = {"codecs": codecs, "create": create, "produce": produce, "consume": consume, "offsets": offsets}
    modes[args.mode](args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
