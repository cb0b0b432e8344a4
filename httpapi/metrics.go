package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wensou/wensou/search"
)

// metrics are the service's Prometheus metrics, in a registry of their own
// (nothing global: two servers in one process do not collide).
type metrics struct {
	reg         *prometheus.Registry
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	searches    *prometheus.CounterVec
	zero        prometheus.Counter
	hits        prometheus.Histogram
	rateLimited prometheus.Counter
	overloaded  prometheus.Counter
}

func newMetrics(s *Server, raw Searcher) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "wensou_http_request_duration_seconds",
		Help:    "HTTP request latency by route (the route pattern, \"unmatched\" for unknown paths), method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "wensou_http_requests_in_flight", Help: "HTTP requests being served."})
	m.searches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wensou_searches_total",
		Help: "Searches run by the engine, by result: hits, zero (no hit), error, timeout.",
	}, []string{"result"})
	m.zero = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "wensou_search_zero_results_total", Help: "Searches that found nothing."})
	m.hits = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "wensou_search_hits",
		Help:    "Total hits per successful search.",
		Buckets: []float64{0, 1, 3, 10, 30, 100, 300, 1000, 10000},
	})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "wensou_rate_limited_total", Help: "Requests refused with 429 by the per-client rate limit."})
	m.overloaded = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "wensou_overloaded_total", Help: "Requests refused with 503 because MaxInFlight query requests were running."})
	m.reg.MustRegister(m.latency, m.inFlight, m.searches, m.zero, m.hits, m.rateLimited, m.overloaded,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&indexCollector{searcher: raw, gen: s.gen},
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "wensou_rate_limit_clients", Help: "Clients the rate limiter tracks."},
			func() float64 { return float64(s.limiter.size()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "wensou_query_slots_busy", Help: "Query requests holding one of the MaxInFlight slots."},
			func() float64 { return float64(len(s.slots)) }),
	)
	if s.cache != nil {
		m.reg.MustRegister(cacheMetrics(s.cache)...)
	}
	m.reg.MustRegister(residentMetrics()...)
	return m
}

// cacheMetrics read the counters of the searcher's result cache at scrape
// time.
func cacheMetrics(c CachingSearcher) []prometheus.Collector {
	counter := func(name, help string, v func(search.CacheStats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(c.CacheStats())) })
	}
	gauge := func(name, help string, v func(search.CacheStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return v(c.CacheStats()) })
	}
	return []prometheus.Collector{
		counter("wensou_search_cache_hits_total", "Searches answered from the query result cache.",
			func(st search.CacheStats) uint64 { return st.Hits }),
		counter("wensou_search_cache_misses_total", "Cacheable searches that ran (not in the query result cache).",
			func(st search.CacheStats) uint64 { return st.Misses }),
		counter("wensou_search_cache_evictions_total", "Results dropped from the query result cache to stay within its bounds.",
			func(st search.CacheStats) uint64 { return st.Evictions }),
		gauge("wensou_search_cache_entries", "Results held in the query result cache.",
			func(st search.CacheStats) float64 { return float64(st.Entries) }),
		gauge("wensou_search_cache_bytes", "Estimated size of the results held in the query result cache.",
			func(st search.CacheStats) float64 { return float64(st.Bytes) }),
		gauge("wensou_search_cache_enabled", "1 when the query result cache is on, else 0.",
			func(st search.CacheStats) float64 { return map[bool]float64{true: 1}[st.Enabled] }),
	}
}

// methods are the HTTP methods that get their own label value; anything
// else is "other", so junk methods cannot grow the label set.
var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true, "OPTIONS": true}

// observe is the middleware that times every request by route pattern
// (gin's FullPath, never the raw path: /api/docs/:id is one series).
func (m *metrics) observe(c *gin.Context) {
	start := time.Now()
	m.inFlight.Inc()
	defer m.inFlight.Dec()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request.Method
	if !methods[method] {
		method = "other"
	}
	m.latency.WithLabelValues(route, method, statusLabel(c.Writer.Status())).Observe(time.Since(start).Seconds())
}

// statusLabel is strconv.Itoa(code) without an allocation for the usual
// codes.
func statusLabel(code int) string {
	switch code {
	case http.StatusOK:
		return "200"
	case http.StatusBadRequest:
		return "400"
	case http.StatusNotFound:
		return "404"
	case http.StatusTooManyRequests:
		return "429"
	case http.StatusServiceUnavailable:
		return "503"
	}
	return strconv.Itoa(code)
}

// instrument wraps the searcher so that every search is counted.
func (m *metrics) instrument(s Searcher) Searcher {
	if s == nil {
		return nil
	}
	return instrumented{Searcher: s, m: m}
}

type instrumented struct {
	Searcher
	m *metrics
}

func (i instrumented) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	res, err := i.Searcher.Search(ctx, req)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		i.m.searches.WithLabelValues("timeout").Inc()
	case err != nil:
		i.m.searches.WithLabelValues("error").Inc()
	case res.Total == 0:
		i.m.searches.WithLabelValues("zero").Inc()
		i.m.zero.Inc()
		i.m.hits.Observe(0)
	default:
		i.m.searches.WithLabelValues("hits").Inc()
		i.m.hits.Observe(float64(res.Total))
	}
	return res, err
}

// indexCollector reads the served index's statistics at scrape time.
type indexCollector struct {
	searcher Searcher
	gen      func() string
}

var (
	descDocs = prometheus.NewDesc("wensou_index_documents",
		"Documents in the served index, by kind (all, article, related).", []string{"kind"}, nil)
	descGen = prometheus.NewDesc("wensou_index_generation",
		"Number of the served index generation (gen-000007: 7; 0 for an in-memory index).", nil, nil)
	descGenInfo = prometheus.NewDesc("wensou_index_generation_info",
		"The served index generation's name, as a label; always 1.", []string{"generation"}, nil)
	descIndexUp = prometheus.NewDesc("wensou_index_up",
		"1 when the index answered the scrape's statistics query, else 0.", nil, nil)
)

func (ic *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descDocs
	ch <- descGen
	ch <- descGenInfo
	ch <- descIndexUp
}

func (ic *indexCollector) Collect(ch chan<- prometheus.Metric) {
	if ic.gen != nil {
		name := ic.gen()
		ch <- prometheus.MustNewConstMetric(descGenInfo, prometheus.GaugeValue, 1, name)
		ch <- prometheus.MustNewConstMetric(descGen, prometheus.GaugeValue, generationNumber(name))
	}
	if ic.searcher == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := ic.searcher.Stats(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descIndexUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descIndexUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descDocs, prometheus.GaugeValue, float64(st.Documents), "all")
	ch <- prometheus.MustNewConstMetric(descDocs, prometheus.GaugeValue, float64(st.Articles), "article")
	ch <- prometheus.MustNewConstMetric(descDocs, prometheus.GaugeValue, float64(st.Related), "related")
}

// generationNumber is the number at the end of a generation name.
func generationNumber(name string) float64 {
	i := strings.LastIndexFunc(name, func(r rune) bool { return r < '0' || r > '9' })
	n, err := strconv.ParseFloat(name[i+1:], 64)
	if err != nil {
		return 0
	}
	return n
}

// MetricsHandler serves the service's metrics in the Prometheus text
// format (also served at GET /metrics unless Config.DisableMetrics).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
}

// AdminHandler is the handler for the separate admin listener
// (--admin-addr): /metrics, /healthz and the net/http/pprof profiles under
// /debug/pprof/. It has no authentication of its own: bind it to loopback
// or a private interface.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", s.MetricsHandler())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
