// Package httpapi is wensou's HTTP service on Gin: the JSON search API,
// statistics, documents, health, and (in later steps) the search page and
// admin routes.
//
// Every error is a JSON body {"error":{"code","message","request_id"}};
// one table (errorKinds) maps error kinds to HTTP status and code. The
// service runs on its own http.Server with read, write and idle timeouts,
// trusts no proxy unless configured, recovers panics into 500 JSON errors
// and shuts down gracefully when its context ends.
package httpapi
