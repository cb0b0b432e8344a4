package corpus

// Expand returns docs followed by one KindRelated document per distinct
// related-content entry of all of them, in first-seen order.
//
// Entries are the same when their absolute URLs are equal, or when their
// normalised titles are equal and at least one of them has no URL. An entry
// whose URL or normalised title equals one of docs is that document and
// adds nothing. A related document has ID "r-" + 16 hex digits of the
// SHA-256 of its URL (of "t:" + normalised title when it has none), the
// entry's title and URL, no body, no publish time and the Source of the
// first article that listed it. When a URL-less entry is later seen with a
// URL, the document takes the URL (and the ID derived from it).
func Expand(docs []Document) []Document {
	e := expander{
		out:     make([]Document, 0, len(docs)),
		byURL:   make(map[string]int),
		byTitle: make(map[string]int),
		inputs:  len(docs),
	}
	for i, d := range docs {
		e.out = append(e.out, d)
		e.index(i, d.URL, NormalizeTitle(d.Title))
	}
	for _, d := range docs {
		for _, l := range d.Related {
			e.add(l, d.Source)
		}
	}
	for i := e.inputs; i < len(e.out); i++ {
		e.out[i].ID = relatedID(Link{Title: e.out[i].Title, URL: e.out[i].URL})
	}
	return e.out
}

type expander struct {
	out     []Document
	byURL   map[string]int // URL → index in out
	byTitle map[string]int // normalised title → index in out
	inputs  int            // out[:inputs] are the input documents
}

func (e *expander) index(i int, url, title string) {
	if _, ok := e.byURL[url]; url != "" && !ok {
		e.byURL[url] = i
	}
	if _, ok := e.byTitle[title]; title != "" && !ok {
		e.byTitle[title] = i
	}
}

// add records one related entry unless it is already known.
func (e *expander) add(l Link, source string) {
	title := NormalizeTitle(l.Title)
	if title == "" {
		return
	}
	if _, ok := e.byURL[l.URL]; l.URL != "" && ok {
		return
	}
	if i, ok := e.byTitle[title]; ok {
		switch {
		case i < e.inputs, e.out[i].URL == l.URL:
			return
		case e.out[i].URL == "":
			e.out[i].URL = l.URL
			e.index(i, l.URL, title)
			return
		case l.URL == "":
			return
		}
	}
	e.out = append(e.out, Document{Kind: KindRelated, Title: l.Title, URL: l.URL, Source: source})
	e.index(len(e.out)-1, l.URL, title)
}
