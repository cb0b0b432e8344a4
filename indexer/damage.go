package indexer

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/blugelabs/bluge"
)

// damage is a report that searching the served generation failed in a way
// damaged bytes explain (a decoding panic): the next Watch tick checks it.
type damage struct {
	mu   sync.Mutex
	name string
	err  error
}

// ReportDamage tells h that a search of its current generation failed on
// what may be damaged bytes (the file changed on disk after it was
// verified and opened: a flipped bit, a bad sector). The generation is
// verified again by the next Watch tick; when its files no longer verify it
// is marked bad and the last good generation is served instead. A report
// the files do not explain is only logged.
func (h *Readers) ReportDamage(err error) {
	name := h.Name()
	h.dmg.mu.Lock()
	defer h.dmg.mu.Unlock()
	if h.dmg.err == nil {
		h.dmg.name, h.dmg.err = name, err
	}
}

// takeDamage returns and clears the pending report.
func (h *Readers) takeDamage() (string, error) {
	h.dmg.mu.Lock()
	defer h.dmg.mu.Unlock()
	name, err := h.dmg.name, h.dmg.err
	h.dmg.name, h.dmg.err = "", nil
	return name, err
}

// recheck verifies generation name again after a damage report; it
// returns the error that makes it bad (nil: the files are fine).
func (d *Dir) recheck(name string, report error) error {
	err := verifyGeneration(d.GenPath(name), 1, false)
	if err == nil {
		slog.Error("index: a search failed on the served generation, whose files still verify", "generation", name, "err", report)
		return nil
	}
	if !errors.Is(err, ErrCorrupt) {
		err = fmt.Errorf("%w: %s: %w", ErrCorrupt, name, err)
	}
	d.bad.mark(name, err)
	slog.Error("index: the served generation is damaged; falling back to the last good one", "generation", name, "err", err, "report", report)
	return err
}

// fallBack serves, after a damage report, the last good generation in
// place of the served one (readers only).
func (d *Dir) fallBack(h *Readers) (bool, error) {
	name, report := h.takeDamage()
	if report == nil || name != h.Name() || d.recheck(name, report) == nil {
		return false, nil
	}
	r, good, problems, err := openGood(d, func(n string) (*bluge.Reader, error) { return d.openCountedReader(d.GenPath(n)) })
	if err != nil {
		return false, fmt.Errorf("no good generation to fall back to from %s: %w", name, err)
	}
	h.Swap(r, good)
	slog.Error("index: serving an older generation", "generation", good, "problems", joinErrors(problems))
	return true, d.repairCurrent(good)
}

// fallBack is Dir.fallBack for a writable index: the last good generation
// is opened for writing and CURRENT repaired.
func (x *Writable) fallBack() (bool, error) {
	name, report := x.readers.takeDamage()
	if report == nil || x.dir == nil || name != x.readers.Name() || x.dir.recheck(name, report) == nil {
		return false, nil
	}
	unlock, err := x.dir.Lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	_, good, problems, err := openGood(x.dir, func(n string) (struct{}, error) { return struct{}{}, x.openGen(n) })
	if err != nil {
		return false, fmt.Errorf("no good generation to fall back to from %s: %w", name, err)
	}
	slog.Error("index: serving an older generation", "generation", good, "problems", joinErrors(problems))
	if cur, err := x.dir.Current(); err == nil && cur == good {
		return true, nil
	}
	return true, x.dir.switchTo(good)
}
