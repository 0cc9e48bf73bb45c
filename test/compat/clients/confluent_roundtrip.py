"""Drives confluent-kafka (librdkafka's Python binding) for the compatibility suite.

Usage: confluent_roundtrip.py MODE --bootstrap HOST:PORT --topic T [options]

Modes:
  codecs   print which compression codecs this librdkafka was built with
  create   create the topic with --partitions partitions (AdminClient)
  produce  read records from stdin, one JSON object per line
           {"key": b64|null, "value": b64|null, "headers": [[name, b64|null]], "timestamp": ms|null},
           send them in order with --codec, and print one delivery report per record
  consume  assign every partition at the beginning (no consumer group), read to the
           end of each, and print every record
  offsets  print low/high watermarks of every partition and the offset found for
           each --times timestamp in every partition

Everything printed on stdout is one JSON object per line; diagnostics go to stderr.
Bytes travel as base64 so that binary keys, values and headers survive.
"""

import argparse
import base64
import json
import sys
import time

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(text):
    return None if text is None else base64.b64decode(text)


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")


def base_config(args):
    return {
        "bootstrap.servers": args.bootstrap,
        "broker.address.family": "v4",
    }


def partitions_of(client, topic, timeout):
    metadata = client.list_topics(topic, timeout=timeout)
    found = metadata.topics[topic]
    if found.error is not None:
        raise KafkaException(found.error)
    return sorted(found.partitions.keys())


def codecs(_args):
    available = []
    for name in ["none", "gzip", "snappy", "lz4", "zstd"]:
        try:
            # librdkafka refuses, at configuration time, a codec it was built without
            Producer({"compression.type": name, "log_level": 0})
            available.append(name)
        except KafkaException:
            pass
    emit({"type": "codecs", "codecs": available})


def create(args):
    admin = AdminClient(base_config(args))
    futures = admin.create_topics(
        [NewTopic(args.topic, num_partitions=args.partitions, replication_factor=1)],
        operation_timeout=args.timeout,
    )
    futures[args.topic].result(timeout=args.timeout)
    emit({"type": "created", "topic": args.topic})


def produce(args):
    config = base_config(args)
    config.update(
        {
            # idempotence is covered by test/compat/idempotence/; this round trip checks plain produce
            # rather than depend on librdkafka's default
            "enable.idempotence": False,
            "compression.type": args.codec,
            # the Java client's keyed partitioning, so keys land where every other client puts them
            "partitioner": "murmur2_random",
            "acks": "all",
            "linger.ms": 5,
        }
    )
    producer = Producer(config)
    failures = []

    def report(seq):
        def on_delivery(err, msg):
            if err is not None:
                failures.append(str(err))
            emit(
                {
                    "type": "delivery",
                    "seq": seq,
                    "partition": msg.partition(),
                    "offset": msg.offset(),
                    "error": None if err is None else str(err),
                }
            )

        return on_delivery

    count = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        kwargs = {
            "key": unb64(record["key"]),
            "value": unb64(record["value"]),
            "headers": [(name, unb64(value)) for name, value in record["headers"]],
            "on_delivery": report(count),
        }
        if record.get("timestamp") is not None:
            kwargs["timestamp"] = record["timestamp"]
        while True:
            try:
                producer.produce(args.topic, **kwargs)
                break
            except BufferError:
                # local queue full: serve delivery reports to make room, then retry
                producer.poll(0.1)
        producer.poll(0)
        count += 1
    remaining = producer.flush(args.timeout)
    if remaining:
        raise SystemExit(f"{remaining} records still undelivered after {args.timeout}s")
    if failures:
        raise SystemExit(f"{len(failures)} delivery failures, first: {failures[0]}")
    emit({"type": "produced", "count": count})


def consume(args):
    config = base_config(args)
    config.update(
        {
            # librdkafka wants a group id even for assign(); no group request is made
            # for it because nothing subscribes or commits
            "group.id": "sluice-compat-unused",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "enable.partition.eof": True,
            "auto.offset.reset": "error",
        }
    )
    consumer = Consumer(config)
    partitions = partitions_of(consumer, args.topic, args.timeout)
    consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])
    at_end = set()
    count = 0
    deadline = time.monotonic() + args.timeout
    while len(at_end) < len(partitions):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out with partitions {sorted(at_end)} of {partitions} read to the end")
        for msg in consumer.consume(num_messages=1000, timeout=0.5):
            err = msg.error()
            if err is not None:
                if err.code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                    continue
                raise KafkaException(err)
            ts_type, ts = msg.timestamp()
            emit(
                {
                    "type": "record",
                    "partition": msg.partition(),
                    "offset": msg.offset(),
                    "timestamp": ts,
                    "timestampType": ts_type,
                    "key": b64(msg.key()),
                    "value": b64(msg.value()),
                    "headers": [[name, b64(value)] for name, value in (msg.headers() or [])],
                }
            )
            count += 1
    consumer.close()
    emit({"type": "consumed", "count": count})


def offsets(args):
    config = base_config(args)
    config.update({"group.id": "sluice-compat-unused", "enable.auto.commit": False})
    consumer = Consumer(config)
    partitions = partitions_of(consumer, args.topic, args.timeout)
    for p in partitions:
        low, high = consumer.get_watermark_offsets(
            TopicPartition(args.topic, p), timeout=args.timeout, cached=False
        )
        emit({"type": "watermarks", "partition": p, "low": low, "high": high})
    # one partition may appear only once per request, so one request per timestamp
    for ts in args.times:
        found = consumer.offsets_for_times(
            [TopicPartition(args.topic, p, ts) for p in partitions], timeout=args.timeout
        )
        for tp in found:
            if tp.error is not None:
                raise KafkaException(tp.error)
            emit({"type": "time", "partition": tp.partition, "timestamp": ts, "offset": tp.offset})
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
