#!/bin/sh
# One-shot (temporalio/admin-tools): make sure the ProSaaS namespace and its
# custom search attributes exist, then wait until the frontend accepts queries
# on them. Idempotent: an existing namespace only gets its retention updated,
# an existing search attribute of the same type is left alone (a different
# type fails loudly: fix it by hand, never silently).
#
# Environment: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE, TEMPORAL_RETENTION
# (Go duration, e.g. 720h = 30 days).
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-prosaas}"
RETENTION="${TEMPORAL_RETENTION:-720h}"
# Name:Type pairs. Admins find workflows in the Temporal UI by these; the
# workflows upsert them (ids are UUID/SID strings, hence Keyword).
SEARCH_ATTRIBUTES="BusinessId:Keyword LeadId:Keyword AppointmentId:Keyword CallSid:Keyword Channel:Keyword Kind:Keyword"

retry() {
  # retry <what> <command...>: up to 60 attempts, 3 s apart.
  what="$1"
  shift
  n=1
  until "$@"; do
    if [ "$n" -ge 60 ]; then
      echo "gave up: $what" >&2
      return 1
    fi
    echo "waiting: $what (attempt $n)"
    n=$((n + 1))
    sleep 3
  done
}

retry "Temporal frontend at $ADDRESS" \
  temporal operator cluster health --address "$ADDRESS"

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists; setting retention to $RETENTION"
  retry "update namespace $NAMESPACE" \
    temporal operator namespace update --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
else
  echo "creating namespace $NAMESPACE (retention $RETENTION)"
  retry "create namespace $NAMESPACE" \
    temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
fi

query=""
for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%:*}"
  type="${pair#*:}"
  echo "search attribute $name ($type)"
  retry "search attribute $name" \
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" --address "$ADDRESS"
  query="${query:+$query AND }$name = '__probe__'"
done

# The namespace registry is cached by the frontend: a workflow started with a
# just-added attribute could be rejected for a few seconds. A visibility query
# naming every attribute succeeds only once all of them are known.
retry "search attributes visible to the frontend" \
  temporal workflow list --namespace "$NAMESPACE" --query "$query" --limit 1 --address "$ADDRESS"

echo "Namespace $NAMESPACE is ready."
