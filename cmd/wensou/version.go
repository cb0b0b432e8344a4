package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion is what `wensou version` reports, read from the build
// information the Go toolchain embeds: the module version (a tag such as
// v1.2.0, a pseudo-version stamped from the commit, or "(devel)"), the
// commit and its time, and the Go version. scripts/release.sh builds with
// -buildvcs=true so that a release binary carries its commit.
type buildVersion struct {
	Version, Commit, Time, Go string
	Modified                  bool
}

func readBuildVersion() buildVersion {
	v := buildVersion{Version: "(devel)", Commit: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Go = info.GoVersion
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the one-line version: "v1.2.0 (commit 0123abc, 2026-12-02T06:00:00Z, go1.26.8)".
func (v buildVersion) String() string {
	commit := v.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if v.Modified {
		commit += "+dirty"
	}
	s := v.Version + " (commit " + commit
	if v.Time != "" {
		s += ", " + v.Time
	}
	return s + ", " + v.Go + ")"
}

func newVersionCmd(v buildVersion) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "wensou %s\n", v)
			return err
		},
	}
}
