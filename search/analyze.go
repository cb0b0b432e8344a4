package search

import (
	"github.com/blugelabs/bluge/analysis"

	"github.com/wensou/wensou/indexer"
)

// Token is one analysed token, with the original text it covers.
type Token struct {
	Term  string `json:"term"`
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	// Position is the token's position; sub-words share their word's.
	Position int `json:"position"`
}

// FieldTokens is the analysis of a text as one field sees it.
type FieldTokens struct {
	Field  string  `json:"field"`
	Tokens []Token `json:"tokens"`
}

// IndexAnalysis adds the index-side analyzers to Analysis, for Analyze.
type IndexAnalysis interface {
	Analysis
	IndexWords() *analysis.Analyzer
	Pinyin() *analysis.Analyzer
}

// Analyze shows how text is analysed for each field and for queries.
func (e *Engine) Analyze(text string) []FieldTokens {
	a := e.analysis()
	out := []FieldTokens{{Field: "query", Tokens: tokens(a.QueryWords(), text)}}
	if ia, ok := a.(IndexAnalysis); ok {
		out = append(out,
			FieldTokens{Field: indexer.FieldTitle + "," + indexer.FieldHeadings + "," + indexer.FieldBody, Tokens: tokens(ia.IndexWords(), text)},
			FieldTokens{Field: indexer.FieldTitlePinyin, Tokens: tokens(ia.Pinyin(), text)})
	}
	return append(out, FieldTokens{Field: indexer.FieldTitleBigram + "," + indexer.FieldHeadingBigram + "," + indexer.FieldBodyBigram,
		Tokens: tokens(a.Bigrams(), text)})
}

func tokens(a *analysis.Analyzer, text string) []Token {
	stream := a.Analyze([]byte(text))
	out := make([]Token, 0, len(stream))
	pos := 0
	for _, t := range stream {
		pos += t.PositionIncr
		out = append(out, Token{Term: string(t.Term), Text: text[t.Start:t.End], Start: t.Start, End: t.End, Position: pos})
	}
	return out
}
