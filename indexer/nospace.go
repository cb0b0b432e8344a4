package indexer

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// ErrNoSpace is returned (wrapped) by a write that failed because the
// disk is full or the quota exhausted. Such a write may have been applied
// in part or in whole: its outcome is unknown, and it is safe to retry once
// space is freed (Writable reopens its writer after the failure).
var ErrNoSpace = errors.New("no space left on the index's disk")

// noSpace wraps err with ErrNoSpace when it says the disk is full. bluge
// does not always keep the chain to the syscall error, so its message is
// checked too.
func noSpace(err error) error {
	if err == nil || errors.Is(err, ErrNoSpace) {
		return err
	}
	msg := err.Error()
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) ||
		strings.Contains(msg, "no space left on device") || strings.Contains(msg, "disk quota exceeded") {
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	}
	return err
}
