"""A confluent-kafka (librdkafka) consumer without a group for the cluster
compatibility suite: it assigns itself every partition of TOPIC from the
beginning and follows their leaders wherever they move.
Usage: confluent_assigned_consumer.py BOOTSTRAP TOPIC PARTITIONS

Prints a JSON line {"type": "record", "partition", "offset", "value"} per
record. Stops on SIGTERM, or by itself after 120 s."""
import json
import signal
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

bootstrap, topic, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
stopping = False


def on_term(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)

consumer = Consumer({
    'bootstrap.servers': bootstrap,
    # required by the client, unused: no subscription, no commits
    'group.id': 'unused',
    'enable.auto.commit': False,
    # a reset would jump to the end and lose records rather than hide as a re-read
    'auto.offset.reset': 'latest',
    'reconnect.backoff.max.ms': 500,
})
consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
deadline = time.time() + 120
while not stopping and time.time() < deadline:
    message = consumer.poll(0.1)
    if message is None:
        continue
    if message.error():
        print(f'consumer error: {message.error()}', file=sys.stderr)
        continue
    sys.stdout.write(json.dumps({
        'type': 'record',
        'partition': message.partition(),
        'offset': message.offset(),
        'value': message.value().decode(),
    }) + '\n')
    sys.stdout.flush()
consumer.close()
