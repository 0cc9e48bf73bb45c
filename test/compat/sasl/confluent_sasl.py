"""Drives confluent-kafka (librdkafka) against a broker that requires SASL or TLS.

Usage: confluent_sasl.py MODE --bootstrap HOST:PORT --topic T [security options]

Modes:
  roundtrip  produce three records, then read them back by assignment from the
             beginning; prints one line per delivery and per record read
  denied     try to produce one record and print every error librdkafka reports
             (an authentication failure is expected); never raises

Security options map one to one onto librdkafka settings: --protocol
(security.protocol), --mechanism, --username, --password, --ca, --cert, --key.
Everything printed on stdout is one JSON object per line.
"""

import sys
import time

# the shared module beside this script is imported from the source tree: leave no __pycache__ there
sys.dont_write_bytecode = True

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition  # noqa: E402
from sasl_script import RECORDS, emit, main  # noqa: E402


def config(args, errors=None):
    conf = {
        "bootstrap.servers": args.bootstrap,
        "broker.address.family": "v4",
        "security.protocol": args.protocol,
    }
    if args.mechanism:
        conf.update({"sasl.mechanisms": args.mechanism, "sasl.username": args.username, "sasl.password": args.password})
    if args.ca:
        conf["ssl.ca.location"] = args.ca
    if args.cert:
        conf.update({"ssl.certificate.location": args.cert, "ssl.key.location": args.key})
    if errors is not None:
        conf["error_cb"] = lambda err: errors.append(err)
    return conf


def roundtrip(args):
    producer = Producer(config(args))

    def report(err, msg):
        if err is not None:
            raise KafkaException(err)
        emit({"type": "delivery", "partition": msg.partition(), "offset": msg.offset()})

    for key, value in RECORDS:
        producer.produce(args.topic, key=key.encode(), value=value.encode(), on_delivery=report)
    if producer.flush(args.timeout) != 0:
        raise RuntimeError("records still undelivered after the timeout")

    consumer = Consumer(dict(config(args), **{"group.id": "sasl-compat", "enable.auto.commit": False}))
    consumer.assign([TopicPartition(args.topic, 0, OFFSET_BEGINNING)])
    read = 0
    deadline = time.time() + args.timeout
    while read < len(RECORDS) and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            raise KafkaException(msg.error())
        emit({"type": "record", "key": msg.key().decode(), "value": msg.value().decode()})
        read += 1
    consumer.close()


def denied(args):
    errors = []
    producer = Producer(config(args, errors))
    producer.produce(args.topic, value=b"must not be written")
    deadline = time.time() + args.timeout
    # librdkafka reports a failed login through error_cb; stop at the first fatal-looking one
    while not errors and time.time() < deadline:
        producer.poll(0.2)
    for err in errors:
        emit({"type": "error", "name": err.name(), "str": err.str()})
    # the record was never sent; drop it instead of waiting for message.timeout.ms
    producer.purge()
    producer.flush(0)


if __name__ == "__main__":
    main({"roundtrip": roundtrip, "denied": denied}, default_timeout=15.0, certificates=True)
