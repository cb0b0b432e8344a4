// Package config is the configuration of wensou's commands: one YAML file
// (--config), overridden by WENSOU_* environment variables, overridden by
// flags and --set KEY=VALUE. `wensou serve` and `wensou index` share it;
// `wensou config check` prints it.
//
// Contract: every zero value means the default (Config.WithDefaults);
// Validate reports every problem at once, with warnings for weak but
// working settings; Load applies the layers in order and validates. The
// file is read strictly (an unknown key is an error). Keys are the YAML
// paths with dots (limits.max_body_bytes); the environment variable of a
// key is EnvName(key). docs/CONFIG.md documents every key and
// wensou.example.yaml shows them all. The package holds no state: the
// environment comes in as a lookup function.
package config
