package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/search"
)

// searchFlags are the flags of `wensou search`: the API's parameters.
type searchFlags struct {
	dir      string
	asJSON   bool
	color    string
	from, to string
	filters  []string
	req      search.Request
}

func newSearchCmd() *cobra.Command {
	var f searchFlags
	cmd := &cobra.Command{
		Use:   "search [--index DIR] [--kind K] [--sort S] [--from D] [--to D] [--json] QUERY...",
		Short: "Search the index from the command line (the parameters of GET /api/search)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := f.request(strings.Join(args, " "))
			if err != nil {
				return err
			}
			style, err := styleFor(f.color, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			b, err := openBackend(cmd.Context(), f.dir, false)
			if err != nil {
				return err
			}
			defer b.close()
			res, err := b.engine.Search(cmd.Context(), req)
			if err != nil {
				return fmt.Errorf("search %q: %w", req.Query, err)
			}
			if f.asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				return enc.Encode(httpapi.PresentResult(res))
			}
			return printResult(cmd.OutOrStdout(), res, style)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dir, "index", "", "data directory of the index; must exist (default: the embedded sample)")
	fl.BoolVar(&f.asJSON, "json", false, "print the JSON GET /api/search answers")
	fl.StringVar(&f.color, "color", "auto", "highlight matches: auto (on a terminal, unless NO_COLOR is set), always, never")
	fl.IntVar(&f.req.Page, "page", 1, "result page")
	fl.IntVar(&f.req.Size, "size", 10, "hits per page (1..100)")
	fl.StringVar(&f.req.Kind, "kind", "", "only this kind: article or related")
	fl.StringVar(&f.req.Sort, "sort", "", "relevance (default) or date (newest first)")
	fl.StringVar(&f.from, "from", "", "published on or after this day, YYYY-MM-DD (UTC+8)")
	fl.StringVar(&f.to, "to", "", "published on or before this day, YYYY-MM-DD (UTC+8)")
	fl.StringArrayVar(&f.filters, "filter", nil, "a filter as in the API's query string: kind=K, sort=S, from=D or to=D (repeatable)")
	fl.BoolVar(&f.req.Explain, "explain", false, "include score explanations")
	return cmd
}

// request builds the search request of the flags.
func (f *searchFlags) request(query string) (search.Request, error) {
	req := f.req
	req.Query = query
	from, to := f.from, f.to
	for _, kv := range f.filters {
		k, v, ok := strings.Cut(kv, "=")
		switch k = strings.TrimSpace(k); {
		case !ok:
			return req, fmt.Errorf("--filter %q: want key=value", kv)
		case k == "kind":
			req.Kind = v
		case k == "sort":
			req.Sort = v
		case k == "from":
			from = v
		case k == "to":
			to = v
		default:
			return req, fmt.Errorf("--filter %q: no filter %q (kind, sort, from, to)", kv, k)
		}
	}
	var err error
	if req.From, err = day("from", from); err != nil {
		return req, err
	}
	req.To, err = day("to", to)
	return req, err
}

// day parses a YYYY-MM-DD flag as the start of that day in the site's
// zone, as the API does.
func day(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, corpus.DefaultZone())
	if err != nil {
		return t, fmt.Errorf("--%s %q: want a date YYYY-MM-DD", name, v)
	}
	return t, nil
}

// styleFor is the rendering of marks for --color on w.
func styleFor(color string, w any) (markStyle, error) {
	switch color {
	case "always":
		return styleTerminal, nil
	case "never":
		return stylePlain, nil
	case "auto":
		if _, off := os.LookupEnv("NO_COLOR"); off {
			return stylePlain, nil
		}
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			return styleTerminal, nil
		}
		return stylePlain, nil
	}
	return stylePlain, fmt.Errorf("--color %q: want auto, always or never", color)
}
