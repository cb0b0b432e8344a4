package segment

import (
	"errors"
	"fmt"
	"os"
)

// DefaultMaxInput is the number of bytes one analyzer call reads when
// Config.MaxInput is zero: 1 MiB. Bytes beyond it are ignored (no tokens).
const DefaultMaxInput = 1 << 20

// Config configures New. Zero values mean defaults.
type Config struct {
	// UserDict is the path of an extra user dictionary ("word [freq [pos]]"
	// per line, "#" comments; freq defaults to 20000); "" = none. Words are
	// normalised like text (Traditional, full-width, case) and take
	// precedence over the embedded domain pack, which takes precedence over
	// gse's zh_s.
	UserDict string
	// Synonyms is the path of a synonyms file (one group per line, words
	// separated by "/" or ","); "" = the embedded default.
	Synonyms string
	// StopWords is the path of a query stop-word file (one per line);
	// "" = the embedded default.
	StopWords string
	// MaxInput caps the bytes one analyzer call reads; 0 = DefaultMaxInput.
	MaxInput int
	// CacheDir, when set, keeps the word dictionaries New builds (the base
	// one, and the one with UserDict) in files there (~27 MB each, named by
	// a hash of every input, written atomically), so that the next New with
	// the same inputs loads them instead of rebuilding; "" = no cache.
	// Files of earlier inputs are not removed.
	CacheDir string
	// OnCacheError is told why CacheDir could not be read or written (New
	// then builds without it); nil = not told.
	OnCacheError func(error)
}

// Validate reports a configuration New would reject: unreadable files or a
// negative MaxInput.
func (c Config) Validate() error {
	var errs []error
	if c.MaxInput < 0 {
		errs = append(errs, fmt.Errorf("segment: MaxInput %d is negative", c.MaxInput))
	}
	for _, f := range []struct{ what, path string }{
		{"user dictionary", c.UserDict},
		{"synonyms", c.Synonyms},
		{"stop words", c.StopWords},
	} {
		if err := checkFile(f.path); err != nil {
			errs = append(errs, fmt.Errorf("segment: %s %s: %w", f.what, f.path, err))
		}
	}
	return errors.Join(errs...)
}

// checkFile accepts "" or a regular file.
func checkFile(path string) error {
	if path == "" {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}

func (c Config) maxInput() int {
	if c.MaxInput == 0 {
		return DefaultMaxInput
	}
	return c.MaxInput
}
