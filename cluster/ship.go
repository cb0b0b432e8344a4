package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wensou/wensou/indexer"
)

// Generation shipping: a builder freezes the generation it built
// (indexer.Dir.Ship) and names it in the KV bucket GenBucket under
// CurrentKey, with the URLs of the servers that serve its files
// (GET /internal/generations/{gen}/...); the other replicas fetch it,
// verify every size and SHA-256, install it and replay the log from its
// log_seq + 1.
const (
	GenBucket  = "WENSOU_GENERATIONS"
	CurrentKey = "current"
)

// Current is the value of the KV key CurrentKey.
type Current struct {
	Gen     string   `json:"gen"`     // the generation's name on its sources
	Sources []string `json:"sources"` // base URLs of the builder's server
	LogSeq  uint64   `json:"log_seq"`
	Docs    uint64   `json:"doc_count"`
	// Peers are the replicas that installed the generation since, each
	// serving it under its own local name (with the log writes it has
	// applied on top: its manifest's log_seq says how far).
	Peers []Holder `json:"peers,omitempty"`
}

// Holder is a server that serves a generation's files, and the name it
// serves them under.
type Holder struct {
	URL string `json:"url"`
	Gen string `json:"gen"`
}

// holders lists where cur can be fetched from: the builder's server first,
// then the peers that installed it.
func (c Current) holders() []Holder {
	hs := make([]Holder, 0, len(c.Sources)+len(c.Peers))
	for _, src := range c.Sources {
		hs = append(hs, Holder{URL: src, Gen: c.Gen})
	}
	return append(hs, c.Peers...)
}

// Fetch downloads a generation from the first of from that serves it whole
// into dir (created; removed again on failure): the manifest, then every
// file it lists, each checked against its size and SHA-256 as it is
// written. A holder whose manifest or file fails (refused, cut off,
// corrupt) is abandoned for the next; the error names what each did wrong.
func Fetch(ctx context.Context, client *http.Client, from []Holder, key, dir string) (indexer.Manifest, error) {
	var errs []error
	for _, h := range from {
		m, err := fetchFrom(ctx, client, strings.TrimRight(h.URL, "/"), key, h.Gen, dir)
		if err == nil {
			return m, nil
		}
		errs = append(errs, fmt.Errorf("%s (%s): %w", h.URL, h.Gen, err))
		if rerr := os.RemoveAll(dir); rerr != nil {
			errs = append(errs, rerr)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if len(from) == 0 {
		errs = append(errs, errors.New("no server holds it"))
	}
	return indexer.Manifest{}, fmt.Errorf("fetch generation: %w", errors.Join(errs...))
}

// ErrBadTransfer means a fetched file did not match its manifest.
var ErrBadTransfer = errors.New("shipped file does not match the manifest")

func fetchFrom(ctx context.Context, client *http.Client, base, key, gen, dir string) (indexer.Manifest, error) {
	var m indexer.Manifest
	prefix := base + "/internal/generations/" + url.PathEscape(gen)
	body, err := get(ctx, client, prefix+"/manifest.json", key)
	if err != nil {
		return m, err
	}
	err = json.NewDecoder(io.LimitReader(body, 16<<20)).Decode(&m)
	body.Close()
	if err != nil {
		return m, fmt.Errorf("manifest: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, err
	}
	for _, f := range m.Files {
		if !indexer.PlainName(f.Path) {
			return m, fmt.Errorf("%w: manifest lists %q", ErrBadTransfer, f.Path)
		}
		if err := fetchFile(ctx, client, prefix+"/files/"+url.PathEscape(f.Path), key, filepath.Join(dir, f.Path), f); err != nil {
			return m, err
		}
	}
	return m, nil
}

// fetchFile writes one shipped file to path, checking size and SHA-256.
func fetchFile(ctx context.Context, client *http.Client, u, key, path string, want indexer.ShipEntry) error {
	body, err := get(ctx, client, u, key)
	if err != nil {
		return err
	}
	defer body.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(body, want.Size+1))
	err = errors.Join(err, out.Sync(), out.Close())
	if err != nil {
		return fmt.Errorf("%s: %w", want.Path, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != want.Size || sum != want.SHA256 {
		return fmt.Errorf("%w: %s is %d bytes, sha256 %s; the manifest says %d bytes, %s", ErrBadTransfer, want.Path, n, sum, want.Size, want.SHA256)
	}
	return nil
}

func get(ctx context.Context, client *http.Client, u, key string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return resp.Body, nil
}

// generations opens (or creates) the KV bucket of shipped generations.
func (l *Log) generations(ctx context.Context) (jetstream.KeyValue, error) {
	kv, err := l.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: GenBucket, Storage: jetstream.FileStorage, Replicas: l.cfg.Replicas, History: 5,
	})
	if err != nil {
		return nil, fmt.Errorf("generations bucket: %w", err)
	}
	return kv, nil
}

// PublishCurrent names cur as the generation every replica should serve:
// a compare-and-set of the KV key CurrentKey on the revision read just
// before, so two builders publishing at once do not both win silently.
func (l *Log) PublishCurrent(ctx context.Context, cur Current) error {
	kv, err := l.generations(ctx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	e, err := kv.Get(ctx, CurrentKey)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		_, err = kv.Create(ctx, CurrentKey, b)
	case err == nil:
		_, err = kv.Update(ctx, CurrentKey, b, e.Revision())
	}
	if err != nil {
		return fmt.Errorf("publish generation %s: %w", cur.Gen, err)
	}
	return nil
}

// Installer is the data directory a replica installs fetched generations
// into (an *indexer.Dir).
type Installer interface {
	IncomingPath(gen string) string
	Install(src string, m indexer.Manifest, origin string) (string, error)
	ServedOrigin() (string, error)
}

// ShipConfig lets a replica follow the generations builders publish.
type ShipConfig struct {
	Dir    Installer
	Key    string       // the admin key peers ask for
	Client *http.Client // default: one with a 10-minute timeout
}

// followGenerations watches CurrentKey until ctx ends and installs every
// generation published by another server; a failed fetch is retried from
// the sources every retryShip while the old generation keeps serving.
func (r *Replica) followGenerations(ctx context.Context) {
	for ctx.Err() == nil {
		if err := r.watchCurrent(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("cluster: watching published generations; retrying", "err", err)
		}
		pause(ctx, retryShip)
	}
}

// retryShip is the pause before a failed fetch or watch is tried again.
const retryShip = 2 * time.Second

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (r *Replica) watchCurrent(ctx context.Context) error {
	kv, err := r.log.generations(ctx)
	if err != nil {
		return err
	}
	w, err := kv.Watch(ctx, CurrentKey)
	if err != nil {
		return fmt.Errorf("watch %s: %w", CurrentKey, err)
	}
	defer func() {
		if err := w.Stop(); err != nil {
			slog.Debug("cluster: stop watch", "err", err)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("watch closed")
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue // nil: the initial values are all delivered
			}
			r.installRetrying(ctx, kv, e)
		}
	}
}

// installRetrying installs the published generation e names, retrying a
// failed fetch (with the holders published since) until it succeeds, a
// newer generation is published, or ctx ends.
func (r *Replica) installRetrying(ctx context.Context, kv jetstream.KeyValue, e jetstream.KeyValueEntry) {
	for ctx.Err() == nil {
		var cur Current
		if err := json.Unmarshal(e.Value(), &cur); err != nil {
			slog.Warn("cluster: published generation is not JSON", "err", err)
			return
		}
		if _, err := r.install(ctx, cur); err == nil {
			return
		}
		pause(ctx, retryShip)
		latest, err := kv.Get(ctx, CurrentKey)
		switch {
		case err != nil:
			slog.Warn("cluster: reading the published generation", "err", err)
		case latest.Revision() != e.Revision():
			var now Current
			if json.Unmarshal(latest.Value(), &now) == nil && now.Origin() != cur.Origin() {
				return // superseded: the watch delivers the newer one
			}
			e = latest // the same generation with more holders
		}
	}
}

// install fetches and installs cur unless this replica serves it already
// (it was built here, or installed before), then names this replica among
// its holders. It returns the local name of what it installed ("" when
// nothing was to do).
func (r *Replica) install(ctx context.Context, cur Current) (string, error) {
	s := r.cfg.Ship
	origin := cur.Origin()
	for _, src := range cur.Sources {
		if r.self(src) {
			return "", nil // built here
		}
	}
	if served, err := s.Dir.ServedOrigin(); err == nil && served == origin {
		return "", nil
	}
	dir := s.Dir.IncomingPath(cur.Gen)
	m, err := Fetch(ctx, s.Client, r.others(cur.holders()), s.Key, dir)
	if err != nil {
		slog.Error("cluster: fetching a published generation failed; the served one stays", "gen", cur.Gen, "err", err)
		return "", err
	}
	name, err := s.Dir.Install(dir, m, origin)
	if err != nil {
		slog.Error("cluster: a fetched generation was refused; the served one stays", "gen", cur.Gen, "err", err)
		return "", err
	}
	slog.Info("cluster: installed a published generation", "gen", cur.Gen, "as", name, "from", m.Gen, "documents", m.DocCount, "log_seq", m.LogSeq)
	if err := r.announce(ctx, cur, name); err != nil {
		slog.Warn("cluster: could not name this replica among the generation's holders", "gen", cur.Gen, "err", err)
	}
	return name, nil
}

func (r *Replica) self(url string) bool {
	return r.cfg.Advertise != "" && strings.TrimRight(url, "/") == strings.TrimRight(r.cfg.Advertise, "/")
}

// others is hs without this replica (a stale entry of its own).
func (r *Replica) others(hs []Holder) []Holder {
	out := hs[:0:0]
	for _, h := range hs {
		if !r.self(h.URL) {
			out = append(out, h)
		}
	}
	return out
}

// announce adds this replica, serving cur as its generation name, to the
// holders of cur under CurrentKey (a compare-and-set, retried on a
// concurrent update; nothing when a newer generation was published).
func (r *Replica) announce(ctx context.Context, cur Current, name string) error {
	if r.cfg.Advertise == "" {
		return nil
	}
	kv, err := r.log.generations(ctx)
	if err != nil {
		return err
	}
	var last error
	for range 5 {
		e, err := kv.Get(ctx, CurrentKey)
		if err != nil {
			return err
		}
		var now Current
		if err := json.Unmarshal(e.Value(), &now); err != nil || now.Origin() != cur.Origin() {
			return err // superseded (or not ours to fix)
		}
		now.Peers = append(r.others(now.Peers), Holder{URL: r.cfg.Advertise, Gen: name})
		b, err := json.Marshal(now)
		if err != nil {
			return err
		}
		if _, last = kv.Update(ctx, CurrentKey, b, e.Revision()); last == nil {
			return nil
		}
	}
	return fmt.Errorf("announce holder: %w", last)
}

// ErrNothingPublished means a new replica found no published generation
// to start from.
var ErrNothingPublished = errors.New("no generation published yet (wensou index --nats ... --advertise URL on a replica's data directory publishes one)")

// Bootstrap gives a replica with no generation its first one: it reads
// CurrentKey, fetches the generation from its holders and installs it into
// cfg.Ship.Dir (the log is replayed from its log_seq once Start runs). It
// waits up to cfg.StartTimeout for the log and a published generation.
func Bootstrap(ctx context.Context, cfg Config) (string, error) {
	cfg = cfg.withDefaults()
	if cfg.Ship == nil {
		return "", errors.New("a new replica fetches its first generation from its peers: it needs the admin key they ask for")
	}
	sctx, cancel := context.WithTimeout(ctx, cfg.StartTimeout)
	defer cancel()
	log, err := OpenLog(sctx, cfg.Log)
	if err != nil {
		return "", err
	}
	defer log.Close()
	cur, err := published(sctx, log)
	if err != nil {
		return "", err
	}
	r := &Replica{cfg: cfg, log: log}
	for {
		name, err := r.install(ctx, cur)
		if err == nil {
			return name, nil
		}
		if pause(sctx, retryShip); sctx.Err() != nil {
			return "", fmt.Errorf("first generation: %w", err)
		}
		if latest, err := published(sctx, log); err == nil {
			cur = latest
		}
	}
}

// published reads CurrentKey, waiting while nothing is published yet.
func published(ctx context.Context, log *Log) (Current, error) {
	var cur Current
	kv, err := log.generations(ctx)
	if err != nil {
		return cur, err
	}
	for {
		e, err := kv.Get(ctx, CurrentKey)
		if err == nil {
			if err := json.Unmarshal(e.Value(), &cur); err != nil {
				return cur, fmt.Errorf("published generation: %w", err)
			}
			return cur, nil
		}
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			return cur, fmt.Errorf("published generation: %w", err)
		}
		if pause(ctx, 500*time.Millisecond); ctx.Err() != nil {
			return cur, ErrNothingPublished
		}
	}
}

// Origin identifies a published generation across replicas (recorded in
// the generations that hold it: indexer.Dir.MarkOrigin, Install).
func (c Current) Origin() string { return strings.Join(c.Sources, ",") + "#" + c.Gen }
