"""Drives kafka-python against a broker that requires SASL or TLS.

kafka-python 2.0 logs in with the legacy flow: SaslHandshake v0, then raw SASL
tokens outside Kafka framing.

Usage: kafka_python_sasl.py MODE --bootstrap HOST:PORT --topic T [security options]

Modes:
  roundtrip  produce three records, then read them back by assignment from the
             beginning; prints one line per delivery and per record read
  denied     try to produce one record; prints the error it ends with

Everything printed on stdout is one JSON object per line.
"""

import argparse
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

RECORDS = [("k1", "first"), ("k2", "second \u2713"), ("k3", "third")]


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def config(args):
    conf = {
        "bootstrap_servers": args.bootstrap,
        "security_protocol": args.protocol,
        "request_timeout_ms": int(args.timeout * 1000) + 1000,
    }
    if args.mechanism:
        conf.update(
            {
                "sasl_mechanism": args.mechanism,
                "sasl_plain_username": args.username,
                "sasl_plain_password": args.password,
            }
        )
    if args.ca:
        conf.update({"ssl_cafile": args.ca, "ssl_check_hostname": True})
    return conf


def roundtrip(args):
    producer = KafkaProducer(acks="all", **config(args))
    for key, value in RECORDS:
        meta = producer.send(args.topic, key=key.encode(), value=value.encode()).get(timeout=args.timeout)
        emit({"type": "delivery", "partition": meta.partition, "offset": meta.offset})
    producer.close()

    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, **config(args))
    partition = TopicPartition(args.topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    read = 0
    deadline = time.time() + args.timeout
    while read < len(RECORDS) and time.time() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            for msg in records:
                emit({"type": "record", "key": msg.key.decode(), "value": msg.value.decode()})
                read += 1
    consumer.close()


def denied(args):
    try:
        producer = KafkaProducer(max_block_ms=int(args.timeout * 1000), **config(args))
        producer.send(args.topic, value=b"must not be written").get(timeout=args.timeout)
        producer.close()
        emit({"type": "written"})
    except Exception as err:  # any refusal ends here: the test checks its name
        emit({"type": "error", "name": type(err).__name__, "str": str(err)})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["roundtrip", "denied"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--protocol", required=True)
    parser.add_argument("--mechanism")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--ca")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    {"roundtrip": roundtrip, "denied": denied}[args.mode](args)


if __name__ == "__main__":
    main()
