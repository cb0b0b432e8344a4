package corpus

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// goldenResult is what a golden file holds: the document, or the error.
type goldenResult struct {
	Document *Document  `json:"document,omitempty"`
	Expanded []Document `json:"expanded,omitempty"`
	Error    string     `json:"error,omitempty"`
}

// goldenInputs are the files with a golden file under testdata: the
// fixtures in testdata and the embedded sample pages in sample/.
func goldenInputs(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"testdata", "sample"} {
		for _, pat := range []string{"*.html", "*.htm", "*.txt", "*.md"} {
			m, err := filepath.Glob(filepath.Join(dir, pat))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, m...)
		}
	}
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	return files
}

// TestGolden parses every testdata file with ParseFile and compares the
// result, as pretty JSON, with testdata/<base name>.golden.json. Source is the
// file's base name so that the golden files do not depend on the path.
func TestGolden(t *testing.T) {
	for _, path := range goldenInputs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var res goldenResult
			d, err := ParseFile(path, data, Options{Source: filepath.Base(path)})
			if err != nil {
				res.Error = err.Error()
			} else {
				res.Document = &d
				checkDocument(t, d)
			}
			compareGolden(t, filepath.Join("testdata", filepath.Base(path)+".golden.json"), res)
		})
	}
}

// TestGoldenExpand expands the three sample forms together: the HTML and
// GBK pages share a URL and the text form lists the same titles, so the
// related documents are 99, not 198.
func TestGoldenExpand(t *testing.T) {
	var docs []Document
	for _, name := range []string{seedHTML, seedGBK, seedTXT} {
		d, err := ParseFile(name, readSample(t, name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	exp := Expand(docs)
	if len(exp) != 3+99 {
		t.Errorf("Expand: %d documents, want 102", len(exp))
	}
	for i := range exp {
		exp[i].Body = "" // the bodies are in the per-file golden files
	}
	compareGolden(t, filepath.Join("testdata", "sample.expand.golden.json"), goldenResult{Expanded: exp})
}

func compareGolden(t *testing.T, golden string, res goldenResult) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", golden, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			return "line " + itoa(i+1) + "\nwant: " + w[i] + "\ngot:  " + g[i]
		}
	}
	return "lengths differ: want " + itoa(len(w)) + " lines, got " + itoa(len(g))
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
