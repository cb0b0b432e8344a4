package corpus

import "testing"

func BenchmarkParseHTML(b *testing.B) {
	for _, name := range []string{seedHTML, seedGBK} {
		data := readSample(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseHTML(data, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseText(b *testing.B) {
	data := readSample(b, seedTXT)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseText(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
