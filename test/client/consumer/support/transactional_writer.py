"""Writes one aborted and one committed transaction to partition 0 of a topic
with librdkafka (confluent-kafka), so a read_committed consumer has aborted
records to leave out. Prints `done` once both transactions are over.

usage: transactional_writer.py BOOTSTRAP TOPIC COUNT
"""
import sys

from confluent_kafka import Producer

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
producer = Producer({
    'bootstrap.servers': bootstrap,
    'transactional.id': 'sluice-read-committed-' + topic,
    'broker.address.family': 'v4',
})
producer.init_transactions(20)
for outcome in ('aborted', 'committed'):
    producer.begin_transaction()
    for i in range(count):
        producer.produce(topic, value=f'{outcome}-{i}'.encode(), partition=0)
    producer.flush(20)
    if outcome == 'aborted':
        producer.abort_transaction(20)
    else:
        producer.commit_transaction(20)
print('done', flush=True)
