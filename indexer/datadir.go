package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// A data directory holds versioned index generations and a pointer to the
// served one:
//
//	DIR/CURRENT         name of the served generation ("gen-000007"), replaced by rename
//	DIR/gen-000007/     a complete bluge index
//	DIR/gen-000008.tmp/ a generation being built; removed by the next run if left behind
//	DIR/LOCK            flock held while a process commits to DIR (short)
//	DIR/BUILD.LOCK      flock held by the one run building a generation (long)
const (
	currentFile = "CURRENT"
	lockFile    = "LOCK"
	buildLock   = "BUILD.LOCK"
	genPrefix   = "gen-"
	tmpSuffix   = ".tmp"
)

// ErrNoGeneration is returned when a data directory has no served generation yet.
var ErrNoGeneration = errors.New("no index generation yet (run `wensou index` first)")

// Dir is a data directory of index generations.
type Dir struct {
	path string
	bad  badGenerations // generations that failed verification (verify.go)

	verifyOnce bool // tests: no second look before a generation counts as damaged
}

// OpenDir opens (creating if needed) the data directory at path.
func OpenDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", path, err)
	}
	return &Dir{path: path}, nil
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

// GenPath is the path of generation name.
func (d *Dir) GenPath(name string) string { return filepath.Join(d.path, name) }

// Current returns the name of the served generation.
func (d *Dir) Current() (string, error) {
	b, err := os.ReadFile(filepath.Join(d.path, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", ErrNoGeneration
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(b))
	if _, ok := genNumber(name); !ok {
		return "", fmt.Errorf("%s in %s names %q, not a generation", currentFile, d.path, name)
	}
	return name, nil
}

// Generations lists complete generations, oldest first.
func (d *Dir) Generations() ([]string, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", d.path, err)
	}
	var names []string
	for _, e := range entries {
		if _, ok := genNumber(e.Name()); ok && e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Slice(names, func(i, j int) bool { a, _ := genNumber(names[i]); b, _ := genNumber(names[j]); return a < b })
	return names, nil
}

// nextName returns the name for a new generation: one past every generation
// and temporary directory present.
func (d *Dir) nextName() (string, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", d.path, err)
	}
	highest := 0
	for _, e := range entries {
		if n, ok := genNumber(strings.TrimSuffix(e.Name(), tmpSuffix)); ok && n > highest {
			highest = n
		}
	}
	return fmt.Sprintf("%s%06d", genPrefix, highest+1), nil
}

func genNumber(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, genPrefix)
	if !ok || len(rest) != 6 {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil
}

// switchTo makes name the served generation: CURRENT is written to a
// temporary file, fsynced, renamed over the old one and the directory fsynced.
func (d *Dir) switchTo(name string) error {
	tmp := filepath.Join(d.path, currentFile+tmpSuffix)
	if err := writeFileSync(tmp, []byte(name+"\n")); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(d.path, currentFile)); err != nil {
		return fmt.Errorf("switch to %s: %w", name, err)
	}
	return syncDir(d.path)
}

// cleanTemp removes generations a killed run left half-built.
func (d *Dir) cleanTemp() error {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return fmt.Errorf("list %s: %w", d.path, err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), tmpSuffix) {
			if err := os.RemoveAll(filepath.Join(d.path, e.Name())); err != nil {
				return fmt.Errorf("remove leftover %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// prune removes the generations but the current one, prev (the one it
// replaced, kept for rollback) and any newer than the current one (rolled
// back from).
func (d *Dir) prune(prev string) error {
	cur, err := d.Current()
	if err != nil {
		return err
	}
	gens, err := d.Generations()
	if err != nil {
		return err
	}
	keep := map[string]bool{cur: true, prev: true}
	curN, _ := genNumber(cur)
	for _, g := range gens {
		if n, _ := genNumber(g); n > curN {
			keep[g] = true
		}
	}
	for _, g := range gens {
		if !keep[g] {
			if err := os.RemoveAll(d.GenPath(g)); err != nil {
				return fmt.Errorf("remove old generation %s: %w", g, err)
			}
		}
	}
	return d.pruneShips(keep)
}

// pruneShips removes the shipped copies (ship.go) of generations not in
// keep: their hard links would hold a removed generation's disk space.
// A peer still downloading one keeps reading its open file, or fails over.
func (d *Dir) pruneShips(keep map[string]bool) error {
	entries, err := os.ReadDir(filepath.Join(d.path, shipsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list shipped generations: %w", err)
	}
	for _, e := range entries {
		if !keep[e.Name()] {
			if err := os.RemoveAll(filepath.Join(d.path, shipsDir, e.Name())); err != nil {
				return fmt.Errorf("remove shipped %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// Lock takes the directory's commit lock (flock on DIR/LOCK), waiting for it.
func (d *Dir) Lock() (unlock func() error, err error) {
	return d.flock(lockFile, syscall.LOCK_EX)
}

// ErrBuilding is returned when another run is building a generation of
// the same directory.
var ErrBuilding = errors.New("another index run is building in this directory: wait for it, then run again")

// lockBuild takes the build lock without waiting: one run builds at a time,
// so a run may remove any .tmp generation it finds.
func (d *Dir) lockBuild() (unlock func() error, err error) {
	unlock, err = d.flock(buildLock, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("%s: %w", d.path, ErrBuilding)
	}
	return unlock, err
}

func (d *Dir) flock(name string, how int) (func() error, error) {
	f, err := os.OpenFile(filepath.Join(d.path, name), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", d.path, err)
	}
	return f.Close, nil
}

func writeFileSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

func syncDir(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open dir %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", path, err)
	}
	return nil
}

// ErrNoPrevious is returned by Rollback when there is no older generation.
var ErrNoPrevious = errors.New("no previous generation to roll back to")

// Rollback serves the generation before the current one again, after
// checking it opens. Documents pushed since it was current are not in it.
func (d *Dir) Rollback() (string, error) {
	unlock, err := d.Lock()
	if err != nil {
		return "", err
	}
	defer unlock()
	cur, err := d.Current()
	if err != nil {
		return "", err
	}
	gens, err := d.Generations()
	if err != nil {
		return "", err
	}
	prev := ""
	for _, g := range gens {
		if g == cur {
			break
		}
		prev = g
	}
	if prev == "" {
		return "", ErrNoPrevious
	}
	if err := VerifyGeneration(d.GenPath(prev)); err != nil {
		return "", err
	}
	if err := verifyOpens(d.GenPath(prev)); err != nil {
		return "", err
	}
	return prev, d.switchTo(prev)
}
