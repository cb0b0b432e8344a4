package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPath is Debian's Chromium (scripts/test.sh installs it);
// WENSOU_CHROMIUM names another binary.
func chromiumPath() string {
	if p := os.Getenv("WENSOU_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// screenshotDir is where the browser test saves its PNGs:
// $WENSOU_SCREENSHOTS, else <temp dir>/wensou-screenshots.
func screenshotDir() string {
	if d := os.Getenv("WENSOU_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "wensou-screenshots")
}

// browser drives one Chromium tab for a test; every step fails the test
// with what it was doing.
type browser struct {
	t     *testing.T
	ctx   context.Context
	dir   string
	start time.Time
}

// step runs actions with a time limit of its own.
func (b *browser) do(what string, acts ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, acts...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds. Errors while a new
// page loads (no execution context yet) are retried, so it also waits
// across navigations, and Back served from the back/forward cache (which
// fires no load event) needs no special case.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) && b.ctx.Err() == nil {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.readyState !== 'loading' && !!("+cond+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	url := eval[string](b, "location.href")
	b.t.Fatalf("waiting for %s (%s) at %s: timed out (last error: %v)", what, cond, url, last)
}

// shot saves a full-page PNG screenshot and logs its path.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s (at %s)", p, time.Since(b.start).Round(time.Millisecond))
}

func (b *browser) viewport(w, h int64, mobile bool) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	b.do(fmt.Sprintf("viewport %dx%d", w, h), chromedp.EmulateViewport(w, h, opts...))
}

// titles are the result titles on the page, as text.
func (b *browser) titles() []string {
	return eval[[]string](b, `[...document.querySelectorAll('.result h3 a')].map(a => a.textContent)`)
}

func (b *browser) query() url.Values {
	u, err := url.Parse(eval[string](b, "location.href"))
	if err != nil {
		b.t.Fatal(err)
	}
	return u.Query()
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// newBrowser starts a headless Chromium with a fresh profile. Without
// Chromium the test is skipped, except in CI (CI=true), where it fails.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromiumPath()
	if _, err := os.Stat(exe); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is missing at %s (CI=true): scripts/test.sh installs it with apt-get install chromium", exe)
		}
		t.Skipf("Chromium not found at %s: run scripts/test.sh (as root it installs it) or set WENSOU_CHROMIUM", exe)
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The whole test stays well under a minute; the browser dies with it.
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	// Start the browser on the undeadlined context (see chromedp.Run).
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", exe, err)
	}
	t.Logf("screenshots go to %s", dir)
	return &browser{t: t, ctx: bctx, dir: dir, start: time.Now()}
}

// TestBrowser drives the real server in Chromium the way a visitor does:
// suggestions while typing, Enter, paging and Back, the kind filter, a
// shared URL, then the same at phone width, and the widget on another
// site.
func TestBrowser(t *testing.T) {
	start := time.Now()
	b := newBrowser(t)
	defer func() { t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond)) }()
	optionsShown := `document.querySelectorAll('.wensou-ac:not([hidden]) [role=option]').length > 0`

	// Desktop.
	b.viewport(1280, 900, false)
	b.do("open the home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#wq")))
	b.shot("desktop-1-home")

	// Type: suggestions appear under the box, with ARIA state.
	b.do("type 注销", chromedp.Click(chromedp.CSS("#wq")), chromedp.SendKeys(chromedp.CSS("#wq"), "注销"))
	b.waitFor("a suggestion", optionsShown)
	if got := eval[string](b, `document.querySelector('.wensou-ac [role=option]').textContent`); !strings.Contains(got, "注销") {
		t.Errorf("first suggestion %q does not contain 注销", got)
	}
	if got := eval[string](b, `document.querySelector('#wq').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("aria-expanded = %q with the list open", got)
	}
	b.shot("desktop-2-suggest")

	// ↓ highlights the first suggestion and shows it in the box; Esc
	// closes the list and restores what was typed.
	b.do("arrow down", chromedp.SendKeys(chromedp.CSS("#wq"), kb.ArrowDown))
	if got := eval[string](b, `(() => { const q = document.querySelector('#wq');
		const o = document.getElementById(q.getAttribute('aria-activedescendant'));
		return o && o.getAttribute('aria-selected') === 'true' ? q.value : ''; })()`); !strings.Contains(got, "注销") {
		t.Errorf("after ↓ the box holds %q, want the highlighted suggestion", got)
	}
	b.do("escape", chromedp.SendKeys(chromedp.CSS("#wq"), kb.Escape))
	b.waitFor("the list to close", `document.querySelector('.wensou-ac').hidden && document.querySelector('#wq').value === '注销'`)

	// Enter searches what was typed: the article with 注销 marked.
	b.do("press Enter", chromedp.SendKeys(chromedp.CSS("#wq"), kb.Enter))
	b.waitFor("results for 注销", `new URLSearchParams(location.search).get('q') === '注销' && document.querySelector('.result h3 a')`)
	title := eval[string](b, `document.querySelector('.result h3 a').innerHTML`)
	if !strings.Contains(title, "<mark>注销</mark>") || !strings.Contains(title, "网贷账户") {
		t.Errorf("first title %q, want the article with <mark>注销</mark>", title)
	}
	b.shot("desktop-3-results")

	// A broader query over several pages: next page, then Back.
	b.do("search 租机", chromedp.Evaluate[chromedp.Void](`document.querySelector('#wq').value = ''`),
		chromedp.Click(chromedp.CSS("#wq")), chromedp.SendKeys(chromedp.CSS("#wq"), "租机"+kb.Enter))
	b.waitFor("results for 租机", `new URLSearchParams(location.search).get('q') === '租机' && document.querySelector('.result')`)
	page1 := b.titles()
	if len(page1) != 10 {
		t.Fatalf("租机 page 1 has %d results, want 10", len(page1))
	}
	b.do("click 下一页", chromedp.Click(chromedp.CSS("a.next")))
	b.waitFor("page 2", `new URLSearchParams(location.search).get('page') === '2' && document.querySelector('.result')`)
	if got := b.query(); got.Get("q") != "租机" {
		t.Errorf("page 2 URL has q=%q", got.Get("q"))
	}
	page2 := b.titles()
	if len(page2) == 0 || page2[0] == page1[0] {
		t.Errorf("page 2 titles %q do not differ from page 1 %q", page2, page1)
	}
	b.shot("desktop-4-page2")
	b.do("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
	b.waitFor("page 1 again", `!new URLSearchParams(location.search).has('page') && new URLSearchParams(location.search).get('q') === '租机' && document.querySelector('.result')`)
	if back := b.titles(); strings.Join(back, "|") != strings.Join(page1, "|") {
		t.Errorf("after Back the titles are %q, want page 1's %q", back, page1)
	}

	// Kind filter: 支付宝 finds the article and related entries; 相关条目
	// keeps only the related ones.
	b.do("open 支付宝", chromedp.Navigate(base+"/?q="+url.QueryEscape("支付宝")))
	b.waitFor("an article among the results", `document.querySelector('.result[data-kind=article]')`)
	b.do("click 相关条目", chromedp.Click(chromedp.CSS(`.tabs a[data-kind=related]`)))
	b.waitFor("the kind filter", `new URLSearchParams(location.search).get('kind') === 'related' && document.querySelector('.result')`)
	kinds := eval[[]string](b, `[...document.querySelectorAll('.result .badge')].map(e => e.textContent)`)
	if len(kinds) == 0 {
		t.Error("no results with kind=related")
	}
	for _, k := range kinds {
		if k != "相关条目" {
			t.Errorf("kind filter shows a %q result", k)
		}
	}
	b.shot("desktop-5-kind-related")

	// Keyboard choice: ↓ ↓ ↑ highlights the first suggestion, Enter
	// searches for it. Typing three characters fast asks the server once
	// (150 ms debounce), twice at most on a slow machine.
	b.do("home again", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#wq")))
	b.do("type 支付宝", chromedp.Click(chromedp.CSS("#wq")), chromedp.SendKeys(chromedp.CSS("#wq"), "支付宝"))
	b.waitFor("suggestions for 支付宝", `document.querySelectorAll('.wensou-ac:not([hidden]) [role=option]').length > 1`)
	fetches := eval[int](b, `performance.getEntriesByType('resource').filter(e => e.name.includes('/api/suggest')).length`)
	t.Logf("typing 支付宝 made %d suggest request(s)", fetches)
	if fetches < 1 || fetches > 2 {
		t.Errorf("typing 3 characters made %d suggest requests, want 1 (debounced)", fetches)
	}
	first := eval[string](b, `document.querySelector('.wensou-ac [role=option] .wensou-t').textContent`)
	b.do("↓ ↓ ↑", chromedp.SendKeys(chromedp.CSS("#wq"), kb.ArrowDown+kb.ArrowDown+kb.ArrowUp))
	if got := eval[string](b, `document.querySelector('#wq').value`); got != first {
		t.Errorf("after ↓↓↑ the box holds %q, want the first suggestion %q", got, first)
	}
	b.do("Enter on a suggestion", chromedp.SendKeys(chromedp.CSS("#wq"), kb.Enter))
	b.waitFor("a search for the suggestion", `new URLSearchParams(location.search).get('q') === `+jsString(first)+` && document.querySelector('.result')`)

	// A shared URL renders on the server: with JavaScript off.
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	b.do("open /?q=注销 without JavaScript", chromedp.Navigate(base+"/?q="+url.QueryEscape("注销")),
		chromedp.WaitVisible(chromedp.CSS(".result h3 a")))
	if got := eval[string](b, `document.querySelector('.result h3 a').innerHTML`); !strings.Contains(got, "<mark>注销</mark>") {
		t.Errorf("server-rendered title %q lacks <mark>注销</mark>", got)
	}
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatalf("enable JavaScript: %v", err)
	}

	// What a visitor sees when nothing matches or a parameter is wrong.
	b.do("no results", chromedp.Navigate(base+"/?q="+url.QueryEscape("喵喵喵呜")), chromedp.WaitVisible(chromedp.CSS(".noresult")))
	b.shot("desktop-6-no-results")
	b.do("bad page", chromedp.Navigate(base+"/?q="+url.QueryEscape("注销")+"&page=abc"), chromedp.WaitVisible(chromedp.CSS(".notice-error")))
	b.shot("desktop-7-bad-parameter")

	// Phone width.
	b.viewport(390, 844, true)
	b.do("phone home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#wq")))
	b.shot("phone-1-home")
	b.do("phone type", chromedp.Click(chromedp.CSS("#wq")), chromedp.SendKeys(chromedp.CSS("#wq"), "租机"))
	b.waitFor("a suggestion on the phone", optionsShown)
	b.shot("phone-2-suggest")
	b.do("phone search", chromedp.SendKeys(chromedp.CSS("#wq"), kb.Enter))
	b.waitFor("phone results", `new URLSearchParams(location.search).get('q') === '租机' && document.querySelector('.result')`)
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the phone page is %dpx wide: it scrolls sideways", w)
	}
	b.shot("phone-3-results")
	b.do("open the time filter", chromedp.Click(chromedp.CSS(".tools-time summary")),
		chromedp.WaitVisible(chromedp.CSS(".time-menu")))
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("with the time filter open the phone page is %dpx wide", w)
	}
	b.shot("phone-6-time-filter")
	b.do("phone article", chromedp.Navigate(base+"/?q="+url.QueryEscape("注销")), chromedp.WaitVisible(chromedp.CSS(".result")))
	b.shot("phone-4-article")
	b.do("phone no results", chromedp.Navigate(base+"/?q="+url.QueryEscape("喵喵喵呜")), chromedp.WaitVisible(chromedp.CSS(".noresult")))
	b.shot("phone-5-no-results")

	// The widget on another site: allowed origins get suggestions, others
	// do not (the browser blocks the response without CORS headers).
	b.viewport(1280, 900, false)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>某网站</title>
<body style="font-family:sans-serif;margin:40px"><h1>某网站 · 资讯</h1>
<form action="/search"><input id="site-q" name="q" placeholder="站内搜索" style="width:320px;padding:8px;font-size:16px"> <button>搜索</button></form>
<p>页面的其余内容……</p>
<script src="%s/widget.js" data-wensou-input="#site-q" defer></script></body></html>`, r.URL.Query().Get("api"))
	}))
	defer site.Close()
	api := newCORSServer(t, site.URL)
	b.do("open a site with the widget", chromedp.Navigate(site.URL+"/?api="+url.QueryEscape(api.URL)),
		chromedp.WaitVisible(chromedp.CSS("#site-q")))
	b.waitFor("the widget", `document.querySelector('#site-q').getAttribute('role') === 'combobox'`)
	b.do("type on the site", chromedp.Click(chromedp.CSS("#site-q")), chromedp.SendKeys(chromedp.CSS("#site-q"), "注销"))
	b.waitFor("a suggestion from the other origin", optionsShown)
	b.shot("widget-1-allowed-origin")

	// Same page from an origin the API does not allow: localhost is not 127.0.0.1.
	other := strings.Replace(site.URL, "127.0.0.1", "localhost", 1)
	b.do("open the site on a disallowed origin", chromedp.Navigate(other+"/?api="+url.QueryEscape(api.URL)),
		chromedp.WaitVisible(chromedp.CSS("#site-q")))
	b.waitFor("the widget", `document.querySelector('#site-q').getAttribute('role') === 'combobox'`)
	b.do("type on the other site", chromedp.Click(chromedp.CSS("#site-q")), chromedp.SendKeys(chromedp.CSS("#site-q"), "注销"),
		chromedp.Sleep(800*time.Millisecond))
	if n := eval[int](b, `document.querySelectorAll('.wensou-ac:not([hidden]) [role=option]').length`); n != 0 {
		t.Errorf("a disallowed origin got %d suggestions", n)
	}
}
