"""What the Python SASL scripts (confluent_sasl.py, kafka_python_sasl.py) share.

The records a round trip writes, the JSON-lines output, and the command line:

  SCRIPT MODE --bootstrap HOST:PORT --topic T --protocol P
         [--mechanism M --username U --password P] [--ca FILE]
         [--cert FILE --key FILE] [--timeout SECONDS]

MODE is roundtrip or denied; the options map onto the client's own settings.
"""

import argparse
import json
import sys

RECORDS = [("k1", "first"), ("k2", "second \u2713"), ("k3", "third")]


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main(modes, default_timeout, certificates=False):
    """Parses the command line and runs the chosen mode (a function of the parsed arguments)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=sorted(modes))
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--protocol", required=True)
    parser.add_argument("--mechanism")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--ca")
    if certificates:
        parser.add_argument("--cert")
        parser.add_argument("--key")
    parser.add_argument("--timeout", type=float, default=default_timeout)
    args = parser.parse_args()
    modes[args.mode](args)
