// Package httpapi is wensou's HTTP service on Gin: the JSON search API,
// suggestions, documents and their writes (JSON and NDJSON), admin jobs,
// the search page and widget, health, readiness and metrics.
//
// Every error is a JSON body {"error":{"code","message","request_id"}};
// one table (errorKinds) maps error kinds to HTTP status and code. The
// service runs on its own http.Server with read, write and idle timeouts,
// trusts no proxy unless configured, recovers panics into 500 JSON errors
// and shuts down gracefully when its context ends.
//
// One server serves several indexes (indexes.go): its own ("default",
// /api/…) and the named ones its Indexes dependency holds, each under
// /api/indexes/NAME/… through a child Server that shares the parent's
// keys, limits and rate limiter. Keys may be scoped to one index
// (ScopedKey): such a key gets 403 key_scope on any other.
package httpapi
