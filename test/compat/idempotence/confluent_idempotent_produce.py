"""Produces records with confluent-kafka (librdkafka) for the idempotence compatibility test.

Usage: confluent_idempotent_produce.py --bootstrap HOST:PORT --topic T --idempotence on|off
                                       [--batch-messages N] [--timeout S]

Reads one JSON object per line on stdin,
  {"key": b64|null, "value": b64|null, "headers": [[name, b64|null]], "timestamp": ms},
sends them in order, and prints one JSON line per delivery report
  {"type": "delivery", "seq": n, "partition": p, "offset": o, "error": null|text}
then {"type": "produced", "count": n}. Exits non-zero when a record is not delivered.
"""

import argparse
import base64
import json
import sys

from confluent_kafka import Producer


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")


def decode(text):
    return None if text is None else base64.b64decode(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--idempotence", choices=["on", "off"], required=True)
    parser.add_argument("--batch-messages", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    producer = Producer(
        {
            "bootstrap.servers": args.bootstrap,
            "broker.address.family": "v4",
            "enable.idempotence": args.idempotence == "on",
            # without idempotence, retries are what turns a lost answer into a stored duplicate
            "retries": 1000,
            "retry.backoff.ms": 50,
            "acks": "all",
            # small batches, so that several produce requests are in flight when one answer is lost
            "batch.num.messages": args.batch_messages,
            "linger.ms": 5,
            "max.in.flight.requests.per.connection": 5,
            "message.timeout.ms": int(args.timeout * 1000),
            # the Java client's keyed partitioning, which the test predicts partitions with
            "partitioner": "murmur2_random",
        }
    )
    failures = []

    def reporter(seq):
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
            "key": decode(record["key"]),
            "value": decode(record["value"]),
            "headers": [(name, decode(value)) for name, value in record["headers"]],
            "timestamp": record["timestamp"],
            "on_delivery": reporter(count),
        }
        while True:
            try:
                producer.produce(args.topic, **kwargs)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
        count += 1
    left = producer.flush(args.timeout)
    if left:
        raise SystemExit(f"{left} records undelivered after {args.timeout}s")
    if failures:
        raise SystemExit(f"{len(failures)} delivery failures, first: {failures[0]}")
    emit({"type": "produced", "count": count})


if __name__ == "__main__":
    main()
