package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SchemaVersion numbers the index schema (the fields and what they hold).
// Every generation records the version it was written with in its SCHEMA
// file; a generation without one is version 1 (before the title_pre
// suggestion field). An incremental run over a generation of another
// version re-analyses every document, as a full run does, so that no
// document lacks a field the searches rely on. Version 3: the word fields
// hold no positions (highlighting and phrases read the bigram fields).
const SchemaVersion = 3

// schemaFile is the version file inside a generation's directory (bluge
// ignores files that are not its own).
const schemaFile = "SCHEMA"

// writeSchema records SchemaVersion in the generation at path, durably.
func writeSchema(path string) error {
	f, err := os.Create(filepath.Join(path, schemaFile))
	if err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	_, err = fmt.Fprintf(f, "%d\n", SchemaVersion)
	err = errors.Join(err, f.Sync(), f.Close())
	if err != nil {
		return fmt.Errorf("schema version %s: %w", path, err)
	}
	return nil
}

// schemaOf returns the schema version of the generation at path.
func schemaOf(path string) (int, error) {
	b, err := os.ReadFile(filepath.Join(path, schemaFile))
	if errors.Is(err, os.ErrNotExist) {
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("schema version %s: %w", path, err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("schema version %s: %w", path, err)
	}
	return v, nil
}

// currentSchema reports whether the served generation of d (if any) was
// written with SchemaVersion.
func (d *Dir) currentSchema() (bool, error) {
	name, err := d.Current()
	if errors.Is(err, ErrNoGeneration) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	v, err := schemaOf(d.GenPath(name))
	return v == SchemaVersion, err
}
