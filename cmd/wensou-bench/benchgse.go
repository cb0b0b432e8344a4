//go:build benchgse

package main

import (
	"fmt"

	"github.com/go-ego/gse"
)

// gseReference returns gse's own segmentation with search-mode sub-words
// over its embedded zh_s dictionary: the analysis ceiling.
func gseReference() (func([]byte), error) {
	var g gse.Segmenter
	g.SkipLog, g.NotLoadHMM = true, true
	if err := g.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("gse zh_s: %w", err)
	}
	return func(t []byte) { _ = gse.ToSlice(g.Segment(t), true) }, nil
}
