"""One consumer-group member on confluent-kafka (librdkafka) for the group
compatibility suite. Usage: confluent_member.py BOOTSTRAP GROUP TOPIC [STRATEGY]

Prints JSON lines: {"type": "assigned", "partitions": [...]} with everything
it holds after each change, {"type": "revoked", "partitions": [...]} with what
it gave up, {"type": "leader"} each time librdkafka says this member was
elected leader (it computes the assignment), {"type": "record", "partition",
"offset", "value"} per record, and {"type": "closed"} after a clean close on
SIGTERM (which commits and leaves the group). Exits by itself after 180 s."""
import json
import logging
import signal
import sys
import time

from confluent_kafka import Consumer

bootstrap, group, topic = sys.argv[1:4]
strategy = sys.argv[4] if len(sys.argv) > 4 else 'range,roundrobin'
# a cooperative assignor hands out and takes back only what moves; eager ones everything each time
cooperative = strategy == 'cooperative-sticky'
stopping = False
held = set()


def on_term(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)


def emit(event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


class LeaderReport(logging.Handler):
    """librdkafka's group debug log is the only place it says it leads; the
    rest of that log is dropped, and what it would print without debugging
    (notices, warnings, errors) still goes to stderr."""

    def emit(self, record):
        text = record.getMessage()
        if 'I am elected leader for group' in text:
            emit({'type': 'leader'})
        elif record.levelno >= logging.INFO:
            sys.stderr.write(f'{text}\n')


logger = logging.getLogger('librdkafka')
logger.setLevel(logging.DEBUG)
logger.addHandler(LeaderReport())
logger.propagate = False


def on_assign(consumer, partitions):
    if not cooperative:
        held.clear()
    held.update(p.partition for p in partitions)
    emit({'type': 'assigned', 'partitions': sorted(held)})


def on_revoke(consumer, partitions):
    revoked = sorted(p.partition for p in partitions)
    held.difference_update(revoked)
    emit({'type': 'revoked', 'partitions': revoked})


consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
    'enable.auto.commit': True,
    'auto.commit.interval.ms': 200,
    'partition.assignment.strategy': strategy,
    'debug': 'cgrp',
}, logger=logger)
# without a call to assign in the callbacks the client makes it, incremental or not as the protocol is
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_revoke)
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
