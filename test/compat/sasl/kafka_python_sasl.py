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

import sys
import time

# the shared module beside this script is imported from the source tree: leave no __pycache__ there
sys.dont_write_bytecode = True

from kafka import KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from sasl_script import RECORDS, emit, main  # noqa: E402


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


# kafka-python probes the broker's versions when a client is made and gives up with
# NoBrokersAvailable after api_version_auto_timeout_ms, 2 s by default: too short on a
# busy machine. Not for `denied`: there the probe is what fails, by design, and
# NoBrokersAvailable after the default 2 s is the answer the test expects.
PROBE_TIMEOUT_MS = 30_000


def roundtrip(args):
    # retries (kafka-python's default is none): Kafka serves an auto-created topic a moment after the
    # first Metadata names it, so the first send may meet NOT_LEADER_OR_FOLLOWER
    producer = KafkaProducer(
        acks="all", retries=5, api_version_auto_timeout_ms=PROBE_TIMEOUT_MS, **config(args)
    )
    for key, value in RECORDS:
        meta = producer.send(args.topic, key=key.encode(), value=value.encode()).get(timeout=args.timeout)
        emit({"type": "delivery", "partition": meta.partition, "offset": meta.offset})
    producer.close()

    consumer = KafkaConsumer(
        group_id=None, enable_auto_commit=False, api_version_auto_timeout_ms=PROBE_TIMEOUT_MS, **config(args)
    )
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


if __name__ == "__main__":
    main({"roundtrip": roundtrip, "denied": denied}, default_timeout=10.0)
