package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
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

// Error is an error of the cluster with the HTTP status and JSON code it
// is answered with (httpapi asks for them through Status).
type Error struct {
	msg    string
	status int
	code   string
}

func (e *Error) Error() string { return e.msg }

// Status is the HTTP status and error code of e.
func (e *Error) Status() (int, string) { return e.status, e.code }

// Errors of writes through the log.
var (
	// ErrNoQuorum means the log did not acknowledge a write: its outcome
	// is unknown and safe to retry (503).
	ErrNoQuorum = &Error{"write log: no quorum", http.StatusServiceUnavailable, "no_quorum"}
	// ErrNotApplied means the log acknowledged a write (it is durable and
	// will be applied) but this replica did not apply it in time (503).
	ErrNotApplied = &Error{"write log: not applied here in time", http.StatusServiceUnavailable, "not_applied"}
	// ErrTooLarge means one document is larger than the log's largest
	// message (413).
	ErrTooLarge = &Error{"document larger than the write log's largest message", http.StatusRequestEntityTooLarge, "document_too_large"}
)

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
	nc, err := nats.Connect(strings.Join(cfg.URLs, ","), nats.Name("wensou "+cfg.Node), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("write log: connect: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("write log: jetstream: %w", err)
	}
	if err := ensureStream(ctx, js, cfg.Replicas); err != nil {
		nc.Close()
		return nil, err
	}
	return &Log{nc: nc, js: js, cfg: cfg}, nil
}

// ensureStream finds the log stream, or creates it, retrying until ctx
// ends while the JetStream cluster elects its leaders (a node was just
// killed, the cluster is starting).
func ensureStream(ctx context.Context, js jetstream.JetStream, replicas int) error {
	for try := 0; ; try++ {
		err := findOrCreate(ctx, js, replicas)
		if err == nil {
			return nil
		}
		if try%20 == 0 {
			slog.Warn("cluster: the write log is not reachable yet; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func findOrCreate(ctx context.Context, js jetstream.JetStream, replicas int) error {
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := js.Stream(actx, LogStream)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("write log: find stream %s: %w", LogStream, err)
	}
	_, err = js.CreateOrUpdateStream(actx, jetstream.StreamConfig{
		Name: LogStream, Subjects: []string{LogSubjectPrefix + ">"},
		Storage: jetstream.FileStorage, Replicas: replicas,
		MaxMsgsPerSubject: 1, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		return fmt.Errorf("write log: create stream %s: %w", LogStream, err)
	}
	return nil
}

// Close closes the connection.
func (l *Log) Close() { l.nc.Close() }

// Put publishes every document and returns the sequence of the last one,
// once the stream's quorum acknowledged each. The publishes are
// asynchronous (one round trip for the whole push, not one per document)
// and retried until the timeout while the connection fails over to
// another node: Nats-Msg-Id makes a retry of a stored write a no-op.
func (l *Log) Put(ctx context.Context, docs []corpus.Document) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	writes := make([]write, 0, len(docs))
	for _, d := range docs {
		body, err := json.Marshal(d)
		if err != nil {
			return 0, fmt.Errorf("write log: encode %q: %w", d.ID, err)
		}
		if int64(len(body)) > l.nc.MaxPayload() {
			return 0, fmt.Errorf("%w: %q is %d bytes, at most %d", ErrTooLarge, d.ID, len(body), l.nc.MaxPayload())
		}
		writes = append(writes, write{id: d.ID, body: body})
	}
	return l.publishAll(ctx, writes)
}

// write is one message to log.
type write struct {
	id, op string
	body   []byte
}

// publishAll publishes writes asynchronously, retrying the failed ones
// until ctx ends, and returns the highest sequence acknowledged.
func (l *Log) publishAll(ctx context.Context, writes []write) (uint64, error) {
	var seq uint64
	for {
		failed, last, err := l.publishOnce(ctx, writes)
		seq = max(seq, last)
		if len(failed) == 0 {
			return seq, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%w: publish %q: %w", ErrNoQuorum, failed[0].id, err)
		case <-time.After(100 * time.Millisecond):
		}
		writes = failed
	}
}

// publishOnce publishes writes once; it returns those not acknowledged,
// with the last error.
func (l *Log) publishOnce(ctx context.Context, writes []write) (failed []write, seq uint64, err error) {
	acks := make([]jetstream.PubAckFuture, len(writes))
	for i, w := range writes {
		f, perr := l.js.PublishMsgAsync(l.message(w.id, w.body, w.op), jetstream.WithMsgID(msgID(w.id, w.op, w.body)))
		if perr != nil {
			failed, err = append(failed, w), perr
			continue
		}
		acks[i] = f
	}
	for i, f := range acks {
		if f == nil {
			continue
		}
		select {
		case ack := <-f.Ok():
			seq = max(seq, ack.Sequence)
		case aerr := <-f.Err():
			failed, err = append(failed, writes[i]), aerr
		case <-ctx.Done():
			failed, err = append(failed, writes[i]), ctx.Err()
		}
	}
	return failed, seq, err
}

// Delete publishes a tombstone for id and returns its sequence.
func (l *Log) Delete(ctx context.Context, id string) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	return l.publishAll(ctx, []write{{id: id, op: opDelete}})
}

// message is the log message of one write.
func (l *Log) message(id string, body []byte, op string) *nats.Msg {
	msg := nats.NewMsg(Subject(id))
	msg.Data = body
	if op != "" {
		msg.Header.Set(OpHeader, op)
	}
	return msg
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

// subjectID is the document id of a log subject.
func subjectID(subject string) (string, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(subject, LogSubjectPrefix))
	if err != nil || !strings.HasPrefix(subject, LogSubjectPrefix) {
		return "", fmt.Errorf("write log: %q is not a document subject", subject)
	}
	return string(b), nil
}

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
