#!/usr/bin/env bash
# Notification fan-out benchmark (issue 12): a reply in a thread watched by 1,000 members versus a
# reply in a thread nobody watches, alternating A B A B, and the time until every notification row
# and every outbox row exists (each watcher wants watched threads by e-mail at once). Prints a Markdown table; see bench/NOTIFY.md.
#   bench/notify.sh [--watchers 1000] [--rounds 20]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/notify-bench.cp >&2
exec java -cp "target/test-classes:target/classes:$(cat target/notify-bench.cp)" eu.mhealthhub.agora.bench.NotifyBench "$@"
