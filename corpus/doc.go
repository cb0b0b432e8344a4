// Package corpus turns source files into Documents: the unit wensou
// indexes. It knows HTML pages, plain-text and Markdown articles, JSON
// and JSONL records, and the related-content lists of the site's
// articles. It does not import any index or segmentation package.
//
// # Contract
//
//   - ParseHTML, ParseText, ParseFile, DecodeJSON and JSONLReader.Next
//     never panic. Every text field of a returned Document is valid UTF-8
//     without zero-width characters (U+200B..U+200D, U+2060, U+FEFF).
//     Body is plain text: one block (paragraph, list item, heading, table
//     row, <br>) per line, white space collapsed inside a line, no blank
//     lines. Entities are decoded as text only: "&lt;script&gt;" in a
//     page is the literal text "<script>" in Body.
//   - Errors wrap ErrEmpty, ErrBinary, ErrEncoding, ErrUnsupported,
//     ErrLineTooLong or ErrMalformed (test with errors.Is) with the
//     source's name for context; the indexer reports them as skip reasons.
//   - Published is the zero time when the source has none, else it is
//     expressed in Options.Zone (default fixed UTC+08:00), which is also
//     the zone of dates written without an offset.
//   - IDs: Options.ID; else from the URL path and query
//     (https://www.example.cn/article/1000.html → "article-1000", only
//     [a-z0-9._-]); else "t-" + 16 hex digits of the SHA-256 of the
//     normalised title (NormalizeTitle). Related-entry documents made by
//     Expand have "r-" IDs.
//   - HTML: the encoding comes from a byte-order mark, valid UTF-8, the
//     declared charset (a <meta> anywhere in the first 8 KB), then
//     GB18030 and Big5, each only when it decodes without errors. Title:
//     og:title, h1, <title> without a " - 站名" suffix. URL: Options.URL,
//     <link rel=canonical>, og:url. Published: article:published_time,
//     time[datetime], JSON-LD datePublished, a 发布时间: text. Body: the
//     main content (article, [itemprop=articleBody], main, .post-content,
//     …, body) without page furniture (nav, header, footer, aside, forms,
//     scripts, styles, hidden elements, meta lines, the h1) and without
//     the related block. Related: links of the element whose class or id
//     contains "related", or of the list after a 相关… heading, resolved
//     against the page URL, repeats dropped.
//   - Text (.txt): first line title, 发布时间: line, 一、… section lines
//     as headings (kept in Body), indented "1. " list numbers removed, a
//     相关内容: section of related titles, "To Top" ignored. Markdown
//     (.md, "# " first line): "## " headings and [text](url) related
//     entries. Text that is not UTF-8 is read as GB18030 when it decodes
//     without errors, else ErrEncoding.
//   - JSON: DecodeJSON and JSONLReader read JSONInput objects; the
//     reader streams with memory bounded by JSONLReader.MaxLine and
//     reports a bad line as a *LineError, then goes on.
//   - Expand adds one KindRelated document per distinct related entry of
//     a set of documents; see Expand for the identity rules.
//
// The embedded sample (Sample, SampleFS) is one real article page of the
// site in three forms; it expands to 1 article + 99 related documents.
package corpus
