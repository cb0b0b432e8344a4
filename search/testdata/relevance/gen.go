//go:build ignore

// gen builds bench.jsonl, the bench-corpus part of the relevance fixture,
// from the files of ../shared/bench/make-corpus.sh. Deterministic: the same
// input files (sha256 printed by make-corpus.sh) give the same output.
//
//	OUT=/tmp/corpus bash ../shared/bench/make-corpus.sh
//	go run ./search/testdata/relevance/gen.go -in /tmp/corpus -out search/testdata/relevance/bench.jsonl
//
// Selection:
//   - poetry.jsonl: for every seed word below, in file order, the first
//     perTitle poems of each half (Tang, Traditional; Song ci ("ci-" ids), Simplified)
//     whose normalised title holds the word, then the first perBody whose
//     body (but not title) holds it; plus every 4000th poem as a distractor.
//     The author goes into Headings. Poems whose (normalised) title was
//     already taken are skipped: judged.tsv names results by title, and
//     Evaluate counts a title once.
//   - man-zh.jsonl: the pages named in manPages, plus every 12th page of
//     the file; bodies cut to manBodyRunes characters.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/segment"
)

var poetrySeeds = []string{"明月", "长安", "黄河", "江南", "春风", "故人", "西湖", "梅花", "广陵", "相思"}

var manPages = []string{
	"tar", "bzip2", "chmod", "chown", "chgrp", "kill", "umount", "ifconfig", "netstat", "cp", "rm", "mv", "ls",
	"find", "ssh", "ping", "date", "mkdir", "rmdir", "crontab", "passwd", "useradd", "userdel", "ps", "mount",
	"gzip", "zip", "unzip", "cron", "at", "su", "sudo", "df", "du", "free", "uptime", "cat", "head", "tail",
	"sort", "uniq", "wc", "ln", "touch", "ftp", "telnet", "route", "hostname", "shutdown", "reboot",
}

const (
	perTitle     = 5
	perBody      = 3
	distractorN  = 4000
	manEveryN    = 8
	manBodyRunes = 1500
)

type poem struct {
	ID, Title, Author, Body string
}

type manPage struct {
	ID, Title, Body string
}

func main() {
	in := flag.String("in", "/tmp/corpus", "directory written by make-corpus.sh")
	out := flag.String("out", "search/testdata/relevance/bench.jsonl", "output JSONL")
	flag.Parse()
	seg, err := segment.New(segment.Config{})
	if err != nil {
		log.Fatal(err)
	}
	var docs []corpus.Document
	seen := map[string]bool{}
	add := func(d corpus.Document) {
		if !seen[d.ID] {
			seen[d.ID] = true
			docs = append(docs, d)
		}
	}
	poems := readPoems(filepath.Join(*in, "poetry.jsonl"))
	titleSeen := map[string]bool{} // judged.tsv names results by title: one poem per title
	for _, w := range poetrySeeds {
		for _, half := range []string{"tang-", "ci-"} {
			nt, nb := 0, 0
			for _, p := range poems {
				if !strings.HasPrefix(p.ID, half) || titleSeen[seg.Normalize(p.Title)] {
					continue
				}
				inTitle := strings.Contains(seg.Normalize(p.Title), w)
				inBody := strings.Contains(seg.Normalize(p.Body), w)
				switch {
				case inTitle && nt < perTitle:
					nt++
					titleSeen[seg.Normalize(p.Title)] = true
					add(poemDoc(p))
				case !inTitle && inBody && nb < perBody:
					nb++
					titleSeen[seg.Normalize(p.Title)] = true
					add(poemDoc(p))
				}
				if nt == perTitle && nb == perBody {
					break
				}
			}
		}
	}
	for i := 0; i < len(poems); i += distractorN {
		if !titleSeen[seg.Normalize(poems[i].Title)] {
			titleSeen[seg.Normalize(poems[i].Title)] = true
			add(poemDoc(poems[i]))
		}
	}
	pages := readMan(filepath.Join(*in, "man-zh.jsonl"))
	named := map[string]bool{}
	for _, n := range manPages {
		named[n] = true
	}
	for i, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p.ID), filepath.Ext(p.ID))
		if named[name] || i%manEveryN == 0 {
			add(manDoc(p))
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d documents written to %s\n", len(docs), *out)
}

func poemDoc(p poem) corpus.Document {
	d := corpus.Document{ID: "poetry-" + p.ID, Kind: corpus.KindArticle, Title: p.Title, Body: p.Body}
	if p.Author != "" {
		d.Headings = []string{p.Author}
	}
	return d
}

func manDoc(p manPage) corpus.Document {
	body := p.Body
	if utf8.RuneCountInString(body) > manBodyRunes {
		body = string([]rune(body)[:manBodyRunes])
	}
	return corpus.Document{ID: "man-" + strings.ReplaceAll(p.ID, "/", "-"), Kind: corpus.KindArticle, Title: p.Title, Body: body}
}

func readPoems(path string) []poem {
	var out []poem
	eachLine(path, func(b []byte) {
		var p poem
		if err := json.Unmarshal(b, &p); err != nil {
			log.Fatal(err)
		}
		out = append(out, p)
	})
	return out
}

func readMan(path string) []manPage {
	var out []manPage
	eachLine(path, func(b []byte) {
		var p manPage
		if err := json.Unmarshal(b, &p); err != nil {
			log.Fatal(err)
		}
		out = append(out, p)
	})
	return out
}

func eachLine(path string, fn func([]byte)) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
}
