// Package cluster owns replication: the replicated write log of pushed
// documents on NATS JetStream (log.go) and, later, the apply loop,
// readiness and generation shipping described in issue 16 and
// docs/SCALING.md.
//
// It sits beside httpapi and indexer: it may import corpus and indexer,
// never httpapi. httpapi consumes it through its own small interfaces, so
// httpapi never imports nats. Nothing here is used unless a cluster is
// configured (cluster.nats): single-machine use is unchanged.
//
// The log: one stream (LogStream), file storage, 3 replicas in production,
// one message kept per document id (subject LogSubjectPrefix + hex(id),
// MaxMsgsPerSubject 1: the latest version wins), deletes as tombstones
// (header OpHeader = "delete", empty body), every publish carrying a
// Nats-Msg-Id so a retried publish is stored once. The JetStream servers
// must run with sync_interval: always (clustertest does).
package cluster
