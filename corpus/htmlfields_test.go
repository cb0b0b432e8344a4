package corpus

import (
	"errors"
	"maps"
	"testing"
)

func TestHTMLFields(t *testing.T) {
	types := map[string]FieldType{
		"tags":     {Type: "keyword", Multi: true},
		"category": {Type: "keyword"},
		"author":   {Type: "text"},
		"price":    {Type: "number"},
	}
	tests := []struct {
		name string
		head string
		body string
		want map[string]string
	}{
		{"keywords list", `<meta name="keywords" content="网贷,注销，网贷账户、借呗">`, "", map[string]string{"tags": "网贷\n注销\n网贷账户\n借呗"}},
		{"article tags and section", `<meta property="article:tag" content="分期"><meta property="article:tag" content="租机"><meta property="article:section" content="信用卡">`, "",
			map[string]string{"tags": "分期\n租机", "category": "信用卡"}},
		{"links when no meta", "", `<a rel="tag" href="/t/1">分期</a> <a rel="tag" href="/t/2">租机</a> <a rel="category tag" href="/c">贷款</a>`,
			map[string]string{"tags": "分期\n租机\n贷款", "category": "贷款"}},
		{"meta by the field's own name, any case", `<meta name="Author" content="李白"><meta name="price" content="199">`, "", map[string]string{"author": "李白", "price": "199"}},
		{"a single-valued field keeps the first", `<meta property="article:section" content="信用卡"><meta name="category" content="贷款">`, "", map[string]string{"category": "贷款"}},
		{"undeclared meta is not read", `<meta name="description" content="说明"><meta name="robots" content="index">`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head><title>注销网贷账户</title>` + tt.head + `</head><body><article><h1>注销网贷账户</h1><p>正文说明注销的步骤。</p>` + tt.body + `</article></body></html>`
			d, err := ParseHTML([]byte(page), Options{Fields: types})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(d.Fields, tt.want) {
				t.Errorf("Fields = %q, want %q", d.Fields, tt.want)
			}
		})
	}
}

func TestHTMLFieldsWrongType(t *testing.T) {
	page := `<html><head><meta name="price" content="很便宜"></head><body><p>正文</p></body></html>`
	_, err := ParseHTML([]byte(page), Options{Source: "a.html", Fields: map[string]FieldType{"price": {Type: "number"}}})
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed naming the field", err)
	}
}

func TestHTMLFieldsOffByDefault(t *testing.T) {
	d, err := ParseHTML(readSample(t, seedHTML), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Fields != nil {
		t.Errorf("Fields without declared fields = %q, want none", d.Fields)
	}
	d, err = ParseHTML(readSample(t, seedHTML), Options{Fields: map[string]FieldType{"tags": {Type: "keyword", Multi: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "网贷\n注销\n网贷账户\n借呗\n微粒贷"; d.Fields["tags"] != want {
		t.Errorf("seed page tags = %q, want %q", d.Fields["tags"], want)
	}
}

func TestFrontMatter(t *testing.T) {
	types := map[string]FieldType{"tags": {Type: "keyword", Multi: true}, "price": {Type: "number"}}
	tests := []struct {
		name       string
		text       string
		wantTitle  string
		wantBody   string
		wantFields map[string]string
		wantID     string
		wantDate   string
		wantErr    error
	}{
		{name: "hugo style", text: "---\ntitle: 注销网贷账户\ndate: 2025-06-22\ntags: [网贷, 注销]\nauthor: 编辑部\n---\n第一段正文。\n\n第二段正文。\n",
			wantTitle: "注销网贷账户", wantBody: "第一段正文。\n第二段正文。", wantFields: map[string]string{"tags": "网贷\n注销", "author": "编辑部"}, wantDate: "2025-06-22"},
		{name: "no title: the first line is", text: "---\nid: a-1\nprice: 99\n---\n租机攻略\n正文。\n",
			wantTitle: "租机攻略", wantBody: "正文。", wantFields: map[string]string{"price": "99"}, wantID: "a-1"},
		{name: "title repeated as a heading", text: "---\ntitle: 租机攻略\n---\n# 租机攻略\n正文。\n", wantTitle: "租机攻略", wantBody: "正文。"},
		{name: "not closed: plain text", text: "---\n标题\n正文。\n", wantTitle: "---", wantBody: "标题\n正文。"},
		{name: "bad yaml", text: "---\ntitle: [unclosed\n---\n正文\n", wantErr: ErrMalformed},
		{name: "wrong type", text: "---\ntitle: x\nprice: cheap\n---\n正文\n", wantErr: ErrMalformed},
		{name: "bad date", text: "---\ntitle: x\ndate: yesterday\n---\n正文\n", wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseText([]byte(tt.text), Options{Fields: types})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != tt.wantTitle || d.Body != tt.wantBody {
				t.Errorf("title %q body %q, want %q %q", d.Title, d.Body, tt.wantTitle, tt.wantBody)
			}
			if !maps.Equal(d.Fields, tt.wantFields) {
				t.Errorf("Fields = %q, want %q", d.Fields, tt.wantFields)
			}
			if tt.wantID != "" && d.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", d.ID, tt.wantID)
			}
			if tt.wantDate != "" && d.Published.Format("2006-01-02") != tt.wantDate {
				t.Errorf("Published = %v, want %s", d.Published, tt.wantDate)
			}
		})
	}
}
