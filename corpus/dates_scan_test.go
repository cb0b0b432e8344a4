package corpus

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// publishTextRe is the unanchored search findPublishText replaces.
var publishTextRe = regexp.MustCompile(publishLabel + `\s*[:：]?\s*` + datePattern)

func findPublishTextRe(s string, zone *time.Location) (time.Time, bool) {
	m := publishTextRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	return dateFromMatch(m[1:], zone)
}

var publishTextCases = []string{
	"",
	"没有日期的正文。",
	"发布时间：2025-06-22 16:15:29 来源：网络",
	"正文开头。发布日期 2025年6月22日 其后",
	"时间表：第一步。时间：2024/1/2 10:00",
	"日日夜夜，日期:2023.12.31",
	"發佈時間：2022-02-30（无效）以后 发布时间：2022-03-01",
	"发布于2021-5-6",
	"时时刻刻发发发發發日日 时间 ： 2020 - 01 - 02 T 3:4:5",
	strings.Repeat("很长的正文没有标签。", 5000) + "发表于 2019-09-09",
}

func TestFindPublishTextSameAsSearch(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	for _, s := range publishTextCases {
		got, gok := findPublishText(s, zone)
		want, wok := findPublishTextRe(s, zone)
		if gok != wok || !got.Equal(want) {
			t.Errorf("%.40q: %v %v, want %v %v", s, got, gok, want, wok)
		}
	}
}

func FuzzFindPublishText(f *testing.F) {
	for _, s := range publishTextCases {
		f.Add(s)
	}
	zone := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := findPublishText(s, zone)
		want, wok := findPublishTextRe(s, zone)
		if gok != wok || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v %v", s, got, gok, want, wok)
		}
	})
}

func BenchmarkFindPublishText(b *testing.B) {
	page := strings.Repeat("很长的 man 页面正文，没有发布时间的标签，只有 options and text. ", 2000)
	zone := time.FixedZone("CST", 8*3600)
	for _, v := range []struct {
		name string
		fn   func(string, *time.Location) (time.Time, bool)
	}{{"anchored", findPublishText}, {"search", findPublishTextRe}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				v.fn(page, zone)
			}
		})
	}
}
