"""An idempotent confluent-kafka (librdkafka) producer for the cluster
compatibility suite. Usage: confluent_stdin_producer.py BOOTSTRAP TOPIC

Produces each `key:value` line read from stdin as soon as it is read, and
at the end of its input flushes; exits 0 only if every record was delivered,
otherwise prints the failures on stderr and exits 1."""
import sys

from confluent_kafka import Producer

bootstrap, topic = sys.argv[1:3]
failures = []


def on_delivery(err, msg):
    if err is not None:
        failures.append(f'Delivery failed for {msg.value()!r}: {err}')


producer = Producer({
    'bootstrap.servers': bootstrap,
    'enable.idempotence': True,
    'linger.ms': 5,
    # a node that comes back should be retried soon, not after librdkafka's default 10 s backoff
    'reconnect.backoff.max.ms': 500,
})
for line in sys.stdin:
    key, _, value = line.rstrip('\n').partition(':')
    producer.produce(topic, key=key.encode(), value=value.encode(), on_delivery=on_delivery)
    producer.poll(0)
remaining = producer.flush(30)
for failure in failures:
    print(failure, file=sys.stderr)
if remaining:
    print(f'Delivery failed: {remaining} records still undelivered', file=sys.stderr)
sys.exit(1 if failures or remaining else 0)
