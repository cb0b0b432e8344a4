// Package search answers queries over a wensou index: query parsing,
// multi-field ranking, highlighting, statistics and evaluation.
//
// A query is parsed (Parse: terms, "phrases", -exclusions, field:value),
// each term is analysed with the same normalisation as the indexed fields
// and looked for as a whole word (title above headings above body), as a
// substring through character bigrams (for words the dictionary does not
// know, at a lower weight so it never outranks real word matches), and, for
// latin input, as pinyin of the title. All terms are required; when that
// finds nothing, any term suffices and the result says Relaxed.
//
// Highlights are built here, not by bluge: Mark and Snippet HTML-escape the
// document text, merge overlapping and touching matches into one <mark>,
// and never split a UTF-8 character.
//
// The engine takes its reader from a Readers per search and passes the
// request's context down to bluge.
package search
