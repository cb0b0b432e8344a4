package segment

import (
	"os"
	"path/filepath"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "user.txt")
	if err := os.WriteFile(file, []byte("租机宝\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"zero value", Config{}, false},
		{"existing files", Config{UserDict: file, Synonyms: file, StopWords: file, MaxInput: 10}, false},
		{"missing user dict", Config{UserDict: filepath.Join(dir, "nope")}, true},
		{"directory as synonyms", Config{Synonyms: dir}, true},
		{"missing stop words", Config{StopWords: filepath.Join(dir, "nope")}, true},
		{"negative max input", Config{MaxInput: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}

func TestConfigMaxInput(t *testing.T) {
	if got := (Config{}).maxInput(); got != DefaultMaxInput {
		t.Errorf("default maxInput = %d", got)
	}
	if got := (Config{MaxInput: 7}).maxInput(); got != 7 {
		t.Errorf("maxInput = %d, want 7", got)
	}
}
