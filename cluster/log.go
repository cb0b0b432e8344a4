package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wensou/wensou/corpus"
)

// Names of the write log.
const (
	LogStream        = "WENSOU_DOCS"
	LogSubjectPrefix = "wensou.docs."
	OpHeader         = "Wensou-Op"
	opDelete         = "delete"
)

// ErrNoQuorum means the log did not acknowledge a write: its outcome is
// unknown and safe to retry (httpapi answers 503).
var ErrNoQuorum = errors.New("write log: no quorum")

// LogConfig says where the log lives and how it is replicated.
type LogConfig struct {
	URLs     []string
	Node     string
	Replicas int           // 3 in production; 1 for a one-node test
	Timeout  time.Duration // per publish acknowledgement; default 5s
}

// Log is the replicated write log of pushed documents.
type Log struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg LogConfig
}

// OpenLog connects and creates (or updates) the log stream.
func OpenLog(ctx context.Context, cfg LogConfig) (*Log, error) {
	if cfg.Replicas == 0 {
		cfg.Replicas = 3
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	nc, err := nats.Connect(joinURLs(cfg.URLs), nats.Name("wensou "+cfg.Node), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("write log: connect: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("write log: jetstream: %w", err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: LogStream, Subjects: []string{LogSubjectPrefix + ">"},
		Storage: jetstream.FileStorage, Replicas: cfg.Replicas,
		MaxMsgsPerSubject: 1, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("write log: create stream %s: %w", LogStream, err)
	}
	return &Log{nc: nc, js: js, cfg: cfg}, nil
}

// Close closes the connection.
func (l *Log) Close() { l.nc.Close() }

// Put publishes every document and returns the sequence of the last one,
// once the stream's quorum acknowledged each.
func (l *Log) Put(ctx context.Context, docs []corpus.Document) (uint64, error) {
	var seq uint64
	for _, d := range docs {
		body, err := json.Marshal(d)
		if err != nil {
			return 0, fmt.Errorf("write log: encode %q: %w", d.ID, err)
		}
		if seq, err = l.publish(ctx, d.ID, body, ""); err != nil {
			return 0, err
		}
	}
	return seq, nil
}

// Delete publishes a tombstone for id and returns its sequence.
func (l *Log) Delete(ctx context.Context, id string) (uint64, error) {
	return l.publish(ctx, id, nil, opDelete)
}

func (l *Log) publish(ctx context.Context, id string, body []byte, op string) (uint64, error) {
	msg := nats.NewMsg(Subject(id))
	msg.Data = body
	if op != "" {
		msg.Header.Set(OpHeader, op)
	}
	ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	ack, err := l.js.PublishMsg(ctx, msg, jetstream.WithMsgID(msgID(id, op, body)))
	if err != nil {
		return 0, fmt.Errorf("%w: publish %q: %w", ErrNoQuorum, id, err)
	}
	return ack.Sequence, nil
}

// Head is the stream's last sequence.
func (l *Log) Head(ctx context.Context) (uint64, error) {
	s, err := l.js.Stream(ctx, LogStream)
	if err != nil {
		return 0, fmt.Errorf("write log: stream: %w", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("write log: stream info: %w", err)
	}
	return info.State.LastSeq, nil
}

// Subject is the log subject of a document id: one per id, so the stream
// keeps only its latest version.
func Subject(id string) string { return LogSubjectPrefix + hex.EncodeToString([]byte(id)) }

// msgID identifies one version of one document: a retried publish of the
// same content within the dedupe window is stored once.
func msgID(id, op string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(id))
	h.Write([]byte{0})
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func joinURLs(urls []string) string {
	out := ""
	for i, u := range urls {
		if i > 0 {
			out += ","
		}
		out += u
	}
	return out
}
