package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/helpers"
)

// The API's OpenAPI description (openapi.yaml) is checked three ways: it
// is a valid OpenAPI 3.1 document; its paths are exactly the routes the
// server registers; and the real responses of this package's integration
// tests (every exchange with the test server, recorded by specRecorder)
// and of TestOpenAPIResponses conform to it.

// newSpecValidator is the validator of the embedded description.
func newSpecValidator() (validator.Validator, error) {
	spec, err := OpenAPI()
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi: %w", errors.Join(errs...))
	}
	return v, nil
}

func specValidator(t testing.TB) validator.Validator {
	t.Helper()
	v, err := newSpecValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenAPISpec(t *testing.T) {
	v := specValidator(t)
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("openapi.yaml: %s: %s", e.Message, e.Reason)
		}
	}
	var got map[string]any
	if code := get(t, "/api/openapi.json", &got); code != http.StatusOK || got["openapi"] != "3.1.0" {
		t.Errorf("GET /api/openapi.json: %d %v", code, got["openapi"])
	}
}

// TestOpenAPIRoutes: every route the server registers is described, and
// every described path is a route.
func TestOpenAPIRoutes(t *testing.T) {
	srv, err := New(Config{AdminKey: testAdminKey}, Deps{Searcher: routesOnly{}, Writer: routesOnlyWriter{}, Admin: testAdmin{}})
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, r := range srv.router.Routes() {
		if r.Method == http.MethodHead || r.Path == "/api/indexes/:name/*rest" {
			continue // HEAD / is GET / without the body; the dispatch to an index's routes is below
		}
		routes = append(routes, r.Method+" "+ginToOpenAPI(r.Path))
	}
	// /api/indexes/{name}/… answers the routes of one index.
	ix, err := srv.indexRouter()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ix.Routes() {
		routes = append(routes, r.Method+" /api/indexes/{name}"+strings.TrimPrefix(ginToOpenAPI(r.Path), "/api"))
	}
	var described []string
	for p, ops := range specPaths(t) {
		for _, m := range ops {
			described = append(described, m+" "+p)
		}
	}
	sort.Strings(routes)
	sort.Strings(described)
	if !slices.Equal(routes, described) {
		t.Errorf("routes and openapi.yaml differ\nroutes:    %q\ndescribed: %q", routes, described)
	}
}

// routesOnly is a Searcher for a server whose routes are listed, never
// called.
type routesOnly struct{ Searcher }

type routesOnlyWriter struct{ Writer }

// ginToOpenAPI turns /api/docs/:id into /api/docs/{id}.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// specPaths lists the methods of every path of the description.
func specPaths(t testing.TB) map[string][]string {
	t.Helper()
	spec, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for p, item := range model.Model.Paths.PathItems.FromOldest() {
		for m := range item.GetOperations().FromOldest() {
			out[p] = append(out[p], strings.ToUpper(m))
		}
	}
	return out
}

// TestOpenAPIResponses requests every route, the error cases included,
// and validates each response against the description.
func TestOpenAPIResponses(t *testing.T) {
	v := specValidator(t)
	admin := "Bearer " + testAdminKey
	doc := firstDocID(t)
	reqs := []struct {
		method, path, auth, body string
	}{
		{"GET", "/", "", ""},
		{"GET", "/?q=" + url.QueryEscape("注销"), "", ""},
		{"GET", "/widget.js", "", ""},
		{"GET", "/widget.css", "", ""},
		{"GET", "/static/search.css", "", ""},
		{"GET", "/healthz", "", ""},
		{"GET", "/readyz", "", ""},
		{"GET", "/metrics", admin, ""},
		{"GET", "/metrics", "Bearer wrong-key", ""},
		{"GET", "/api/openapi.json", "", ""},
		{"GET", "/api/search?q=" + url.QueryEscape("注销"), "", ""},
		{"GET", "/api/search?q=" + url.QueryEscape("注销账户") + "&explain=true&kind=article&sort=date&from=2020-01-01&to=2030-12-31", "", ""},
		{"GET", "/api/search?q=" + url.QueryEscape("喵喵喵呜"), "", ""},
		{"GET", "/api/search?q=", "", ""},
		{"GET", "/api/search?q=a&size=1000", "", ""},
		{"GET", "/api/suggest?q=zfb", "", ""},
		{"GET", "/api/suggest?q=" + url.QueryEscape("注"), "", ""},
		{"GET", "/api/stats", "", ""},
		{"GET", "/api/analyze?text=" + url.QueryEscape("網貸帳戶怎麼註銷"), "", ""},
		{"GET", "/api/analyze?text=", "", ""},
		{"GET", "/api/docs/" + url.PathEscape(doc), "", ""},
		{"GET", "/api/docs/no-such-doc", "", ""},
		{"GET", "/api/docs/" + url.PathEscape(doc) + "/related?size=5", "", ""},
		{"POST", "/api/docs", admin, `{"id":"openapi-1","title":"接口描述测试","body":"第一行\n第二行"}`},
		{"POST", "/api/docs", admin, `[{"id":"openapi-2","title":"接口描述测试二"}]`},
		{"POST", "/api/docs", "", `{"id":"openapi-3","title":"x"}`},
		{"POST", "/api/docs", admin, `{"id":`},
		{"DELETE", "/api/docs/openapi-2", admin, ""},
		{"DELETE", "/api/docs/openapi-2", admin, ""},
		{"DELETE", "/api/docs/openapi-1", admin, ""}, // the other tests count the sample's documents
		{"POST", "/api/admin/reindex", admin, ""},
		{"POST", "/api/admin/dictionary/reload", admin, ""},
		{"GET", "/api/admin/jobs/job-1", admin, ""},
		{"GET", "/api/admin/queries/zero?size=5", admin, ""},
		{"GET", "/api/admin/queries/zero?size=5", "Bearer wrong-key", ""},
		{"GET", "/api/indexes/default/search?q=" + url.QueryEscape("注销"), "", ""},
		{"GET", "/api/indexes/default/stats", "", ""},
		{"GET", "/api/indexes/default/docs/" + url.PathEscape(doc), "", ""},
		{"GET", "/api/indexes/none/search?q=x", "", ""},
		{"GET", "/api/indexes", admin, ""},
		{"PUT", "/api/indexes/site", admin, `{}`},
		{"DELETE", "/api/indexes/site", "", ""},
	}
	for _, r := range reqs {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			req, err := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			if r.auth != "" {
				req.Header.Set("Authorization", r.auth)
			}
			if r.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			ex, err := doExchange(req, r.body)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range ex.validate(v) {
				t.Error(msg)
			}
		})
	}
}

func firstDocID(t *testing.T) string {
	t.Helper()
	var res struct {
		Hits []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if code := get(t, "/api/search?q="+url.QueryEscape("注销"), &res); code != http.StatusOK || len(res.Hits) == 0 {
		t.Fatalf("search: %d %v", code, res)
	}
	return res.Hits[0].ID
}

// exchange is one request to the test server and its response.
type exchange struct {
	method, url, reqBody string
	reqHeader            http.Header
	status               int
	header               http.Header
	body                 []byte
}

// doExchange sends req through the default transport (and so through the
// recorder when it is installed) and reads the whole response.
func doExchange(req *http.Request, body string) (exchange, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return exchange{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return exchange{}, err
	}
	return exchange{method: req.Method, url: req.URL.String(), reqBody: body, reqHeader: req.Header.Clone(),
		status: resp.StatusCode, header: resp.Header.Clone(), body: b}, nil
}

// validate checks the response against the description; requests to
// paths it does not describe (deliberately bad routes) are not checked.
func (ex exchange) validate(v validator.Validator) []string {
	req, err := http.NewRequest(ex.method, ex.url, strings.NewReader(ex.reqBody))
	if err != nil {
		return []string{err.Error()}
	}
	req.Header = ex.reqHeader.Clone()
	resp := &http.Response{StatusCode: ex.status, Header: ex.header.Clone(), Body: io.NopCloser(bytes.NewReader(ex.body)), Request: req}
	ok, errs := v.ValidateHttpResponse(req, resp)
	if ok {
		return nil
	}
	var out []string
	for _, e := range errs {
		switch e.ValidationSubType {
		case helpers.ValidationMissing, helpers.ValidationAmbiguousPath:
			// A path the description does not have (a deliberately bad
			// route), or a document id holding an encoded "/" (the server
			// routes the escaped path, so /api/docs/a%2Frelated is the
			// document "a/related"; the validator refuses to pick).
			continue
		}
		msg := fmt.Sprintf("%s %s → %d: %s: %s", ex.method, ex.url, ex.status, e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			msg += "\n    " + se.FieldPath + " (" + se.KeywordLocation + "): " + se.Reason
		}
		out = append(out, msg+fmt.Sprintf("\n    body: %.300s", ex.body))
	}
	return out
}

// specRecorder records every exchange of the package's tests with the
// test server, so that TestMain can validate them all at the end.
type specRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *specRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.String(), base) {
		return resp, err
	}
	b, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if rerr != nil || resp.Header.Get("Content-Encoding") != "" {
		return resp, err // cut or still compressed: nothing to validate
	}
	r.mu.Lock()
	r.log = append(r.log, exchange{method: req.Method, url: req.URL.String(), reqBody: string(body), reqHeader: req.Header.Clone(),
		status: resp.StatusCode, header: resp.Header.Clone(), body: b})
	r.mu.Unlock()
	return resp, nil
}

// installSpecRecorder puts a recorder in front of http.DefaultTransport
// (the test process's own, restored by the returned function).
func installSpecRecorder() (*specRecorder, func()) {
	prev := http.DefaultTransport
	r := &specRecorder{next: prev}
	http.DefaultTransport = r
	return r, func() { http.DefaultTransport = prev }
}

// report validates every recorded exchange, prints the failures and
// returns the exit code they make (1 with any).
func (r *specRecorder) report(w io.Writer) int {
	v, err := newSpecValidator()
	if err != nil {
		fmt.Fprintln(w, err)
		return 1
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var failures []string
	for _, ex := range r.log {
		failures = append(failures, ex.validate(v)...)
	}
	for _, f := range failures {
		fmt.Fprintln(w, "openapi: a test's response does not match openapi.yaml:", f)
	}
	if len(failures) > 0 {
		fmt.Fprintf(w, "openapi: %d of %d recorded responses do not match openapi.yaml\n", len(failures), len(r.log))
		return 1
	}
	return 0
}
