package cluster_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/cluster"
	"github.com/wensou/wensou/cluster/clustertest"
	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// shipSource is a test server of shipped generations.
type shipSource struct {
	*httptest.Server
	files atomic.Int64 // file requests answered
}

// shipServer serves d's shipped generations as wensou serve does
// (GET /internal/generations/{gen}/manifest.json and /files/{path}).
func shipServer(t *testing.T, d *indexer.Dir, key string) *shipSource {
	t.Helper()
	src := &shipSource{}
	src.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			http.Error(w, "key", http.StatusForbidden)
			return
		}
		rest, ok := strings.CutPrefix(r.URL.Path, "/internal/generations/")
		gen, file, _ := strings.Cut(rest, "/")
		file = strings.TrimPrefix(file, "files/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		f, err := d.ShipFile(gen, file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		if file != indexer.ManifestFile {
			src.files.Add(1)
		}
		st, _ := f.Stat()
		http.ServeContent(w, r, file, st.ModTime(), f)
	}))
	t.Cleanup(src.Close)
	return src
}

// builtDir is a data directory with one generation of n documents.
func builtDir(t *testing.T, n int) (*indexer.Dir, string) {
	t.Helper()
	d, err := indexer.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan corpus.Document, n)
	for _, doc := range docs("shipped", n) {
		ch <- doc
	}
	close(ch)
	name, _, err := d.Build(context.Background(), ch, plain{}, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d, name
}

// TestFetchVerifiesAndInstalls: a generation fetched from a source whose
// file does not match the manifest is refused (the next source is tried);
// a good one installs under the next local name, with its log sequence
// and origin, and is served.
func TestFetchVerifiesAndInstalls(t *testing.T) {
	const key = "k"
	good, gen := builtDir(t, 30)
	m, err := good.Ship(gen)
	if err != nil {
		t.Fatal(err)
	}
	bad, badGen := builtDir(t, 30)
	bm, err := bad.Ship(badGen)
	if err != nil {
		t.Fatal(err)
	}
	flipShippedSegment(t, bad, badGen, bm)
	goodURL, badURL := shipServer(t, good, key).URL, shipServer(t, bad, key).URL
	ctx := context.Background()
	dst, _ := builtDir(t, 3) // the replica's own generation
	dir := dst.IncomingPath(gen)

	if _, err := cluster.Fetch(ctx, http.DefaultClient, []cluster.Holder{{URL: badURL, Gen: badGen}}, key, dir); !errors.Is(err, cluster.ErrBadTransfer) {
		t.Fatalf("fetch of a corrupt file: %v, want ErrBadTransfer", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused fetch left %s behind", dir)
	}
	if _, err := cluster.Fetch(ctx, http.DefaultClient, []cluster.Holder{{URL: goodURL, Gen: gen}}, "wrong", dir); err == nil {
		t.Error("fetch with a wrong key succeeded")
	}
	got, err := cluster.Fetch(ctx, http.DefaultClient, []cluster.Holder{{URL: badURL, Gen: badGen}, {URL: goodURL, Gen: gen}}, key, dir)
	if err != nil || got.DocCount != m.DocCount {
		t.Fatalf("fetch falling over to the good source: %+v, %v", got, err)
	}
	wrong := got
	wrong.DocCount++
	if _, err := dst.Install(dir, wrong, "origin-1"); !errors.Is(err, indexer.ErrCorrupt) {
		t.Fatalf("install of a generation not holding its manifest's count: %v, want ErrCorrupt", err)
	}
	if cur, _ := dst.Current(); cur != "gen-000001" {
		t.Errorf("CURRENT %s after a refused install, want the replica's own gen-000001", cur)
	}
	if got, err = cluster.Fetch(ctx, http.DefaultClient, []cluster.Holder{{URL: goodURL, Gen: gen}}, key, dir); err != nil {
		t.Fatal(err)
	}
	got.LogSeq = 42
	name, err := dst.Install(dir, got, "origin-1")
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := dst.Current(); cur != name {
		t.Errorf("CURRENT %s, want the installed %s", cur, name)
	}
	if o, _ := dst.ServedOrigin(); o != "origin-1" {
		t.Errorf("ServedOrigin %q", o)
	}
	x, err := dst.OpenWritable(analyzers)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if g, seq := x.Applied(); g != name || seq != 42 {
		t.Errorf("installed generation %s applied %d, want %s 42", g, seq, name)
	}
	r, release, err := x.Readers().Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if n, _ := r.Count(); n != 30 {
		t.Errorf("installed generation holds %d documents, want 30", n)
	}
}

// flipShippedSegment flips one byte in the middle of a shipped segment.
func flipShippedSegment(t *testing.T, d *indexer.Dir, gen string, m indexer.Manifest) {
	t.Helper()
	var seg string
	for _, f := range m.Files {
		if strings.HasSuffix(f.Path, ".seg") {
			seg = filepath.Join(d.Path(), "ships", gen, f.Path)
		}
	}
	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(seg, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplicaRefusesCorruptShip: a replica following the published
// generation refuses one whose shipped segment is corrupt and keeps
// serving its own, ready all along; once a good holder of the same
// generation is published beside the bad one, it installs from that one.
func TestReplicaRefusesCorruptShip(t *testing.T) {
	const key = "k"
	c := clustertest.Start(t, 1)
	n := newNodeWith(t, c, "r", 1, key)
	bad, gen := builtDir(t, 30)
	bm, err := bad.Ship(gen)
	if err != nil {
		t.Fatal(err)
	}
	flipShippedSegment(t, bad, gen, bm)
	badSrc := shipServer(t, bad, key)
	good, goodGen := builtDir(t, 30)
	goodSrc := shipServer(t, good, key)
	log := openLog(t, c, 1)
	ctx := context.Background()
	cur := cluster.Current{Gen: gen, Sources: []string{badSrc.URL}, Docs: 30}
	if err := log.PublishCurrent(ctx, cur); err != nil {
		t.Fatal(err)
	}
	served, _ := n.x.Applied()
	for deadline := time.Now().Add(10 * time.Second); badSrc.files.Load() < 2; { // two tries
		if time.Now().After(deadline) {
			t.Fatal("the replica never fetched the published generation")
		}
		if _, ok := n.r.Ready(); !ok {
			t.Fatal("the replica went unready while refusing a corrupt generation")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if now, _ := n.x.Applied(); now != served || !n.has("seed") {
		t.Fatalf("serving %s (seed: %v) after refusals, want its own %s", now, n.has("seed"), served)
	}
	cur.Peers = []cluster.Holder{{URL: goodSrc.URL, Gen: goodGen}}
	if err := log.PublishCurrent(ctx, cur); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !n.has("shipped-29"); {
		if time.Now().After(deadline) {
			t.Fatal("the good holder's generation was not installed")
		}
		if _, err := n.x.Follow(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, ok := n.r.Ready(); !ok {
		t.Error("not ready after installing")
	}
}
