package search

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var parseTests = []struct {
	in   string
	want []Clause
	err  error
}{
	{"注销", []Clause{{Text: "注销"}}, nil},
	{"  注销   网贷 ", []Clause{{Text: "注销"}, {Text: "网贷"}}, nil},
	{"注销\u3000网贷", []Clause{{Text: "注销"}, {Text: "网贷"}}, nil},
	{`"注销 网贷" 账户`, []Clause{{Text: "注销 网贷", Phrase: true}, {Text: "账户"}}, nil},
	{"“注销网贷”", []Clause{{Text: "注销网贷", Phrase: true}}, nil},
	{`"unclosed phrase`, []Clause{{Text: "unclosed phrase", Phrase: true}}, nil},
	{"租机 -支付宝", []Clause{{Text: "租机"}, {Text: "支付宝", Negate: true}}, nil},
	{"title:注销 body:\"网贷 账户\"", []Clause{{Text: "注销", Field: "title"}, {Text: "网贷 账户", Field: "body", Phrase: true}}, nil},
	{"标题：注销", []Clause{{Text: "注销", Field: "title"}}, nil},
	{"unknown:注销", []Clause{{Text: "unknown:"}, {Text: "注销"}}, nil},
	{"- 注销", []Clause{{Text: "-"}, {Text: "注销"}}, nil},
	{"", nil, ErrEmptyQuery},
	{"   ", nil, ErrEmptyQuery},
	{`""`, nil, ErrEmptyQuery},
	{"-注销", nil, ErrOnlyNegative},
	{strings.Repeat("字", 257), nil, ErrQueryTooLong},
	{strings.Repeat("a ", 17), []Clause{{Text: "a"}}, nil},
	{"租机app", []Clause{{Text: "租机"}, {Text: "app"}}, nil},
	{"ls命令 iphone15 0元购 -租机app", []Clause{{Text: "ls"}, {Text: "命令"}, {Text: "iphone15"}, {Text: "0元购"}, {Text: "租机app", Negate: true}}, nil},
	{"title:注销app", []Clause{{Text: "注销", Field: "title"}, {Text: "app", Field: "title"}}, nil},
	{"a b a -b", []Clause{{Text: "a"}, {Text: "b"}, {Text: "b", Negate: true}}, nil},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := Parse(tt.in, ParseLimits{})
		if !errors.Is(err, tt.err) {
			t.Errorf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && !reflect.DeepEqual(got.Clauses, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got.Clauses, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := Parse(in, ParseLimits{})
		if err != nil {
			return
		}
		// A long query keeps its clauses (the plan keeps the most
		// informative): never more than the input has runes, never one twice.
		if len(q.Clauses) == 0 || len(q.Clauses) > utf8.RuneCountInString(in) {
			t.Fatalf("Parse(%q) gave %d clauses without error", in, len(q.Clauses))
		}
		for i, c := range q.Clauses {
			if strings.TrimFunc(c.Text, isSpace) == "" {
				t.Fatalf("Parse(%q) gave an empty clause: %+v", in, q.Clauses)
			}
			if slices.Contains(q.Clauses[:i], c) {
				t.Fatalf("Parse(%q) repeats clause %+v", in, c)
			}
		}
	})
}
