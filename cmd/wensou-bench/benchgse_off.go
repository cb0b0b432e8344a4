//go:build !benchgse

package main

// gseReference is nil without -tags benchgse: the bench then measures
// raw segmentation with wensou's analyzer only.
func gseReference() (func([]byte), error) { return nil, nil }
