package indexer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
)

// An incremental run need not decode a JSONL line it has indexed before:
// a document's Hash is the SHA-256 of its line, so a line whose hash the
// served generation holds, for a document read from that same file and
// not pushed over since, is that document unchanged. The reader then
// sends it Unread, with what the rest of the run needs of it: its id (the
// run keeps it), its title, URL and content key (the duplicate checks and
// the related entries' expansion), and its own fields' names (the
// summary's undeclared fields). Articles with related entries are always
// decoded: their entries are documents the run must emit again.

// knownDoc is an indexed document a JSONL line may be, found by hash.
type knownDoc struct {
	id, source, url, title, form string
	fields                       []string // own fields' names
}

// hasForm reports whether d's content key is stored (FieldForm): an
// article with a title and no related entries.
func hasForm(d corpus.Document) bool {
	return (d.Kind == "" || d.Kind == corpus.KindArticle) && d.Title != "" && len(d.Related) == 0
}

// knownLines maps the hash of every document of r that a JSONL line can
// stand for unread to what the run needs of it.
func knownLines(ctx context.Context, r *bluge.Reader) (map[string]knownDoc, error) {
	out := map[string]knownDoc{}
	err := eachMatch(ctx, r, bluge.NewMatchAllQuery(), func(visit StoredVisitor) error {
		var k knownDoc
		var hash, origin string
		related := false
		err := visit(func(field string, value []byte) bool {
			switch field {
			case FieldID:
				k.id = string(value)
			case FieldHash:
				hash = string(value)
			case FieldSource:
				k.source = string(value)
			case FieldOrigin:
				origin = string(value)
			case FieldURL:
				k.url = string(value)
			case FieldTitle:
				k.title = string(value)
			case FieldForm:
				k.form = string(value)
			case FieldRelated:
				related = true
			default:
				if name, ok := IsOwnWords(field); ok {
					k.fields = append(k.fields, name)
				}
			}
			return true
		})
		if origin == "" && !related && k.form != "" && hash != "" && strings.EqualFold(filepath.Ext(k.source), ".jsonl") {
			out[hash] = k
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read known lines: %w", err)
	}
	return out, nil
}

// unread is the Unread document of line hash for k.
func (k knownDoc) unread(hash string) corpus.Document {
	d := corpus.Document{ID: k.id, Kind: corpus.KindArticle, URL: k.url, Title: k.title, Source: k.source, Hash: hash, Unread: true}
	if len(k.fields) > 0 {
		d.Fields = make(map[string]string, len(k.fields))
		for _, name := range k.fields {
			d.Fields[name] = ""
		}
	}
	return d
}
