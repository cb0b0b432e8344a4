package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/wensou/wensou/config"
)

// flagKey maps a flag to the configuration key it sets.
type flagKey struct{ flag, key string }

// serveFlagKeys maps serve's flags to configuration keys. A flag overrides
// the file and the environment only when it is given.
func serveFlagKeys() []flagKey {
	return []flagKey{
		{"addr", "addr"},
		{"admin-addr", "admin_addr"},
		{"index", "index"},
		{"source", "sources"},
		{"admin-key", "admin_key"},
		{"search-key", "search_key"},
		{"log-format", "log_format"},
		{"log-level", "log_level"},
		{"trusted-proxy", "trusted_proxies"},
		{"cors-origin", "cors_origins"},
		{"user-dict", "dictionaries.user_dict"},
		{"synonyms", "dictionaries.synonyms"},
		{"stop-words", "dictionaries.stop_words"},
		{"rate-limit", "rate_limit.per_second"},
		{"rate-burst", "rate_limit.burst"},
		{"max-in-flight", "limits.max_in_flight"},
		{"nats", "cluster.nats"},
		{"node", "cluster.node"},
		{"advertise", "cluster.advertise"},
	}
}

// indexFlagKeys maps index's flags to configuration keys.
func indexFlagKeys() []flagKey {
	return append([]flagKey{{"index", "index"}, {"user-dict", "dictionaries.user_dict"},
		{"nats", "cluster.nats"}, {"advertise", "cluster.advertise"}}, crawlFlagKeys()...)
}

// applyFlags copies the flags of keys that were given into c.
func applyFlags(c *config.Config, fs *pflag.FlagSet, keys []flagKey) error {
	for _, m := range keys {
		fl := fs.Lookup(m.flag)
		if fl == nil || !fl.Changed {
			continue
		}
		val := fl.Value.String()
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			val = strings.Join(sv.GetSlice(), ",")
		}
		if err := config.Set(c, m.key, val); err != nil {
			return fmt.Errorf("--%s: %w", m.flag, err)
		}
	}
	return nil
}

// configLoader returns the loader of a command's configuration: --config
// FILE, the environment, the command's flags, then --set.
func configLoader(path *string, sets *[]string, fs *pflag.FlagSet, keys []flagKey, env func(string) (string, bool)) func() (config.Config, []string, error) {
	return func() (config.Config, []string, error) {
		return config.Load(*path, env, func(c *config.Config) error {
			if err := applyFlags(c, fs, keys); err != nil {
				return err
			}
			return config.ApplySets(c, *sets)
		})
	}
}

// addConfigFlags adds --config and --set to fs.
func addConfigFlags(fs *pflag.FlagSet, path *string, sets *[]string) {
	fs.StringVar(path, "config", "", "YAML configuration file (see docs/CONFIG.md)")
	fs.StringArrayVar(sets, "set", nil, "set any configuration key, e.g. --set limits.max_body_bytes=1MiB (repeatable)")
}
