"""One consumer-group member on kafka-python for the group compatibility
suite. Usage: kafka_python_member.py BOOTSTRAP GROUP TOPIC [STRATEGY]

STRATEGY is "range" or "roundrobin" (default: both, range first). Same JSON
lines as confluent_member.py; SIGTERM closes cleanly (commit, then leave)."""
import json
import signal
import sys
import time

from kafka import ConsumerRebalanceListener, KafkaConsumer
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

bootstrap, group, topic = sys.argv[1:4]
names = (sys.argv[4] if len(sys.argv) > 4 else 'range,roundrobin').split(',')
known = {'range': RangePartitionAssignor, 'roundrobin': RoundRobinPartitionAssignor}
stopping = False


def on_term(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)


def emit(event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        emit({'type': 'revoked'})

    def on_partitions_assigned(self, assigned):
        emit({'type': 'assigned', 'partitions': sorted(tp.partition for tp in assigned)})


consumer = KafkaConsumer(
    bootstrap_servers=bootstrap,
    group_id=group,
    auto_offset_reset='earliest',
    enable_auto_commit=True,
    auto_commit_interval_ms=200,
    session_timeout_ms=6000,
    heartbeat_interval_ms=500,
    partition_assignment_strategy=[known[n] for n in names],
    # the version probe at start gives up after 2 s by default (NoBrokersAvailable), too soon on a busy machine
    api_version_auto_timeout_ms=30_000,
)
consumer.subscribe([topic], listener=Listener())
deadline = time.time() + 180
while not stopping and time.time() < deadline:
    for tp, messages in consumer.poll(timeout_ms=100).items():
        for m in messages:
            emit({'type': 'record', 'partition': m.partition, 'offset': m.offset, 'value': m.value.decode()})
consumer.close(autocommit=True)
emit({'type': 'closed'})
