package httpapi

import (
	"slices"
	"testing"

	"github.com/wensou/wensou/search"
)

type fakePopular []search.QueryCount

func (f fakePopular) PopularQueries(n int) []search.QueryCount { return f[:min(n, len(f))] }

func TestPopular(t *testing.T) {
	logged := fakePopular{{Query: "支付宝租机", Count: 9}, {Query: "赌博网站", Count: 7}, {Query: "网贷", Count: 5},
		{Query: "Casino Bonus", Count: 4}, {Query: "once", Count: 1}}
	tests := []struct {
		name string
		cfg  PopularConfig
		src  PopularSource
		want []string
	}{
		{"no log, no seed: nothing", PopularConfig{}, nil, []string{}},
		{"no log: the seed", PopularConfig{Seed: []string{"注销账户", "租机"}}, nil, []string{"注销账户", "租机"}},
		{"log first, then seed, no duplicates", PopularConfig{Seed: []string{"网贷", "分期"}}, logged,
			[]string{"支付宝租机", "赌博网站", "网贷", "Casino Bonus", "分期"}},
		{"deny by substring, any case", PopularConfig{Deny: []string{"赌博", "casino"}}, logged, []string{"支付宝租机", "网贷"}},
		{"deny applies to the seed", PopularConfig{Seed: []string{"赌博技巧", "分期"}, Deny: []string{"赌博"}}, nil, []string{"分期"}},
		{"size bounds the list", PopularConfig{Size: 2, Seed: []string{"分期"}}, logged, []string{"支付宝租机", "赌博网站"}},
		{"min count", PopularConfig{MinCount: 5}, logged, []string{"支付宝租机", "赌博网站", "网贷"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := popular(tt.cfg.withDefaults(), tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("popular = %q, want %q", got, tt.want)
			}
		})
	}
}
