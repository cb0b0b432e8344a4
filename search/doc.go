// Package search answers queries over a wensou index: query parsing,
// planning, matching and ranking, highlighting, typo correction,
// statistics and evaluation.
//
// A query is parsed (Parse: terms, "phrases", -exclusions, field:value;
// Han glued to Latin letters splits into two clauses) and planned: each
// clause's text as bigrams, its significant words (required) and its
// single characters and stop words (score only), with synonyms,
// sub-words and pinyin. The plan runs on bluge's postings through the
// package's own executor, in two phases: every match is counted and
// scored from the bigram fields plus a containment bonus for the clause
// held as typed (not shrunk by length: the document with the typed text
// outranks one whose title holds a few of its words); the best few are
// rescored from the word fields (a whole word outranks the same characters
// inside another word). A search that finds nothing tries a homophone
// correction from the titles' pinyin (Result.Corrected), then its rarest
// words (Result.Relaxed). A budget bounds the matching time
// (Result.Partial); no query is refused for being long.
//
// Highlights are built here, for the returned page only: Mark and Snippet
// HTML-escape the document text, merge overlapping and touching matches
// into one <mark>, and never split a UTF-8 character.
//
// The engine takes its reader from a Readers per search and passes the
// request's context down to the executor, which checks it while it
// matches.
package search
