// Package web holds wensou's search page, embedded in the binary: the
// html/template templates, the stylesheet, the page's script and the
// embeddable suggestion widget. It has no Go logic beyond exposing the
// files; httpapi renders and serves them.
//
//	templates/page.html   the search page (home, results, no results, error)
//	static/search.css     the page's stylesheet
//	static/widget.js      the suggestion combobox: used by the page itself and
//	                      served as /widget.js for other sites to embed
//
// The page's popular searches are not here: they come from the running
// server's query log and its configuration (httpapi.PopularConfig).
package web

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html static/*
var files embed.FS

// Templates returns the page templates at the root of the file system.
func Templates() fs.FS { return sub("templates") }

// Static returns the stylesheet and scripts at the root of the file system.
func Static() fs.FS { return sub("static") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // unreachable: dir is an embedded directory
	}
	return f
}
