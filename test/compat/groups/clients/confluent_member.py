"""One consumer-group member on confluent-kafka (librdkafka) for the group
compatibility suite. Usage: confluent_member.py BOOTSTRAP GROUP TOPIC [STRATEGY]

Prints JSON lines: {"type": "assigned", "partitions": [...]} for each new
assignment, {"type": "revoked"}, {"type": "record", "partition", "offset",
"value"} per record, and {"type": "closed"} after a clean close on SIGTERM
(which commits and leaves the group). Exits by itself after 180 s."""
import json
import signal
import sys
import time

from confluent_kafka import Consumer

bootstrap, group, topic = sys.argv[1:4]
strategy = sys.argv[4] if len(sys.argv) > 4 else 'range,roundrobin'
stopping = False


def on_term(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)


def emit(event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
    'enable.auto.commit': True,
    'auto.commit.interval.ms': 200,
    'partition.assignment.strategy': strategy,
})
consumer.subscribe(
    [topic],
    on_assign=lambda c, parts: emit({'type': 'assigned', 'partitions': sorted(p.partition for p in parts)}),
    on_revoke=lambda c, parts: emit({'type': 'revoked'}),
)
deadline = time.time() + 180
while not stopping and time.time() < deadline:
    message = consumer.poll(0.1)
    if message is None:
        continue
    if message.error():
        sys.stderr.write(f'{message.error()}\n')
        continue
    emit({'type': 'record', 'partition': message.partition(), 'offset': message.offset(),
          'value': message.value().decode()})
consumer.close()
emit({'type': 'closed'})
