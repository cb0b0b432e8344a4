package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// ReadFile reads a YAML config file strictly: an unknown key is an error
// (a typo must not silently leave a limit at its default).
func ReadFile(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict()); err != nil {
		return c, fmt.Errorf("config %s: %s", path, yaml.FormatError(err, false, true))
	}
	return c, nil
}

// Load builds the configuration: the file (if path is not empty), then
// the environment (env is os.LookupEnv in production), then apply (the
// flags; may be nil), then defaults. It validates the result and returns
// it with its warnings.
func Load(path string, env func(string) (string, bool), apply func(*Config) error) (Config, []string, error) {
	var c Config
	if path != "" {
		var err error
		if c, err = ReadFile(path); err != nil {
			return c, nil, err
		}
	}
	if err := ApplyEnv(&c, env); err != nil {
		return c, nil, err
	}
	if apply != nil {
		if err := apply(&c); err != nil {
			return c, nil, err
		}
	}
	warnings, err := c.Validate()
	if err != nil {
		return c, warnings, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c.WithDefaults(), warnings, nil
}

// field is one leaf of Config: its dotted key and its value.
type field struct {
	key    string
	secret bool
	v      reflect.Value
}

// fields lists c's leaves in declaration order.
func fields(c *Config) []field {
	var out []field
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			key := prefix + name
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
				walk(key+".", v.Field(i))
				continue
			}
			out = append(out, field{key: key, secret: f.Tag.Get("secret") == "true", v: v.Field(i)})
		}
	}
	walk("", reflect.ValueOf(c).Elem())
	return out
}

// Keys lists every configuration key in declaration order.
func Keys() []string {
	var c Config
	fs := fields(&c)
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	return keys
}

// EnvName is the environment variable of a key: WENSOU_ and the key in
// upper case with dots as underscores.
func EnvName(key string) string {
	return "WENSOU_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// set parses s into the field.
func (f field) set(s string) error {
	v := f.v
	if d, ok := v.Addr().Interface().(*Duration); ok {
		return d.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", f.key, s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := parseSize(s)
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number", f.key, s)
		}
		v.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", f.key, s)
		}
		v.SetFloat(n)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String { // fields: a JSON list of objects
			if err := json.Unmarshal([]byte(s), v.Addr().Interface()); err != nil {
				return fmt.Errorf("%s: not a JSON list: %w", f.key, err)
			}
			return nil
		}
		v.Set(reflect.ValueOf(splitList(s)))
	default:
		return fmt.Errorf("%s: cannot be set from text", f.key)
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var list []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			list = append(list, p)
		}
	}
	return list
}

// parseSize parses an integer, also with a KiB/MiB/GiB suffix.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

// Set sets one key of c from text (lists comma-separated, sizes with an
// optional KiB/MiB/GiB suffix, durations as 5s).
func Set(c *Config, key, value string) error {
	for _, f := range fields(c) {
		if f.key == key {
			return f.set(strings.TrimSpace(value))
		}
	}
	return fmt.Errorf("no config key %q (see docs/CONFIG.md)", key)
}

// ApplyEnv overrides c with the WENSOU_* variables that are set and not
// empty.
func ApplyEnv(c *Config, env func(string) (string, bool)) error {
	var errs []error
	for _, f := range fields(c) {
		if s, ok := env(EnvName(f.key)); ok && strings.TrimSpace(s) != "" {
			if err := f.set(strings.TrimSpace(s)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", EnvName(f.key), err))
			}
		}
	}
	return errors.Join(errs...)
}

// ApplySets applies --set key=value overrides.
func ApplySets(c *Config, sets []string) error {
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("--set %q: want key=value", kv)
		}
		if err := Set(c, strings.TrimSpace(k), v); err != nil {
			return fmt.Errorf("--set %q: %w", kv, err)
		}
	}
	return nil
}

// Redacted returns c with its keys replaced by "REDACTED" (when set).
func (c Config) Redacted() Config {
	for _, f := range fields(&c) {
		if f.secret && f.v.String() != "" {
			f.v.SetString("REDACTED")
		}
	}
	keys := make([]ScopedKey, len(c.Keys))
	for i, k := range c.Keys {
		k.Key = "REDACTED"
		keys[i] = k
	}
	if c.Keys != nil {
		c.Keys = keys
	}
	return c
}

// Print writes c as YAML, keys redacted.
func Print(w io.Writer, c Config) error {
	out, err := yaml.MarshalWithOptions(c.Redacted(), yaml.IndentSequence(true))
	if err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	_, err = w.Write(out)
	return err
}

// NeedRestart lists the keys that differ between old and c and that a
// reload cannot apply to a running server (all but Dynamic's and the log
// level).
func NeedRestart(old, c Config) []string {
	var keys []string
	oldFields, newFields := fields(&old), fields(&c)
	for i, f := range newFields {
		if !isDynamic(f.key) && !reflect.DeepEqual(f.v.Interface(), oldFields[i].v.Interface()) {
			keys = append(keys, f.key)
		}
	}
	return keys
}
