package corpus

import "time"

// Options tune one parse. The zero value is ready to use.
type Options struct {
	// ID overrides the derived document ID.
	ID string
	// URL is the page's address; it wins over <link rel=canonical> and
	// og:url, and is the base for resolving relative related links.
	URL string
	// Source names where the bytes came from (a path); used in errors and
	// copied into Document.Source.
	Source string
	// Zone is the time zone of dates given without one, and the zone
	// Published is expressed in. Nil means a fixed UTC+08:00.
	Zone *time.Location
	// Fields are the declared types of own fields, by name: a value of
	// the wrong type fails the document (JSON, JSONL, push). Nil: none
	// checked.
	Fields map[string]FieldType
}

// DefaultZone returns the zone used when Options.Zone is nil: a fixed
// UTC+08:00 (China Standard Time, no daylight saving).
func DefaultZone() *time.Location {
	return time.FixedZone("UTC+8", 8*60*60)
}

func (o Options) zone() *time.Location {
	if o.Zone != nil {
		return o.Zone
	}
	return DefaultZone()
}

// name is what errors call the input.
func (o Options) name() string {
	switch {
	case o.Source != "":
		return o.Source
	case o.URL != "":
		return o.URL
	case o.ID != "":
		return o.ID
	}
	return "<input>"
}
