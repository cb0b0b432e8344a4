// Package clustertest starts JetStream clusters on free loopback ports for
// tests: every node in-process (Start), or one node as a child process that
// a test can SIGKILL (Cluster.StartChild, with RunChildIfAsked in TestMain).
// Every node runs JetStream with sync_interval: always, as production must.
package clustertest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// childEnv names the config file a re-executed test binary runs as a node.
const childEnv = "WENSOU_CLUSTERTEST_NODE_CONFIG"

// Node is one JetStream server of a Cluster.
type Node struct {
	Name       string
	ClientPort int
	RoutePort  int
	ConfigFile string
	srv        *server.Server // in-process, or nil
	cmd        *exec.Cmd      // child process, or nil
}

// URL is the node's client URL.
func (n *Node) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.ClientPort) }

// Cluster is N JetStream nodes routed to each other.
type Cluster struct {
	t     testing.TB
	Nodes []*Node
}

// URLs lists every node's client URL.
func (c *Cluster) URLs() []string {
	urls := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		urls[i] = n.URL()
	}
	return urls
}

// Start runs an n-node cluster in-process and stops it at the end of the
// test. It returns once every node is ready for connections and JetStream
// has a meta leader.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	c := layout(t, n)
	for _, node := range c.Nodes {
		if err := c.startInProcess(node); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(c.stopAll)
	c.waitMetaLeader()
	return c
}

// layout picks ports and writes every node's config file.
func layout(t testing.TB, n int) *Cluster {
	t.Helper()
	dir := t.TempDir()
	c := &Cluster{t: t}
	for i := 0; i < n; i++ {
		c.Nodes = append(c.Nodes, &Node{Name: fmt.Sprintf("n%d", i), ClientPort: freePort(t), RoutePort: freePort(t)})
	}
	for _, node := range c.Nodes {
		node.ConfigFile = filepath.Join(dir, node.Name+".conf")
		conf := c.config(node, filepath.Join(dir, node.Name))
		if err := os.WriteFile(node.ConfigFile, []byte(conf), 0o600); err != nil {
			t.Fatalf("clustertest: write config: %v", err)
		}
	}
	return c
}

func (c *Cluster) config(node *Node, storeDir string) string {
	var routes []string
	for _, other := range c.Nodes {
		if other != node {
			routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", other.RoutePort))
		}
	}
	conf := fmt.Sprintf(`server_name: %s
listen: 127.0.0.1:%d
max_payload: 8MB
jetstream {
  store_dir: %q
  sync_interval: always
}
`, node.Name, node.ClientPort, storeDir)
	if len(c.Nodes) > 1 {
		conf += fmt.Sprintf("cluster {\n  name: wensou\n  listen: 127.0.0.1:%d\n  routes: [%s]\n}\n",
			node.RoutePort, strings.Join(routes, ", "))
	}
	return conf
}

func (c *Cluster) startInProcess(node *Node) error {
	opts, err := server.ProcessConfigFile(node.ConfigFile)
	if err != nil {
		return fmt.Errorf("clustertest: %s config: %w", node.Name, err)
	}
	opts.NoSigs, opts.NoLog = true, true
	srv, err := server.NewServer(opts)
	if err != nil {
		return fmt.Errorf("clustertest: %s: %w", node.Name, err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		return fmt.Errorf("clustertest: %s not ready in 10s", node.Name)
	}
	node.srv = srv
	return nil
}

// Stop shuts node i down (in-process) or SIGKILLs it (child process).
func (c *Cluster) Stop(i int) {
	node := c.Nodes[i]
	if node.srv != nil {
		node.srv.Shutdown()
		node.srv.WaitForShutdown()
		node.srv = nil
	}
	if node.cmd != nil {
		_ = node.cmd.Process.Signal(syscall.SIGKILL) // already gone is fine
		_ = node.cmd.Wait()                          // a killed child's exit error is expected
		node.cmd = nil
	}
}

// Restart starts node i again in-process, on its ports and store directory.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	c.Stop(i)
	if err := c.startInProcess(c.Nodes[i]); err != nil {
		c.t.Fatal(err)
	}
}

func (c *Cluster) stopAll() {
	for i := range c.Nodes {
		c.Stop(i)
	}
}

// StartChild runs node i as a child process (the test binary re-executed;
// its TestMain must call RunChildIfAsked), so Stop SIGKILLs it.
func (c *Cluster) StartChild(i int) {
	c.t.Helper()
	c.Stop(i)
	node := c.Nodes[i]
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+node.ConfigFile)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("clustertest: start child %s: %v", node.Name, err)
	}
	node.cmd = cmd
	if err := waitPort(node.ClientPort, 10*time.Second); err != nil {
		c.t.Fatalf("clustertest: child %s: %v", node.Name, err)
	}
}

// StartWithChild runs an n-node cluster whose node child runs as a child
// process and the others in-process.
func StartWithChild(t testing.TB, n, child int) *Cluster {
	t.Helper()
	c := layout(t, n)
	t.Cleanup(c.stopAll)
	for i, node := range c.Nodes {
		if i == child {
			c.StartChild(i)
			continue
		}
		if err := c.startInProcess(node); err != nil {
			t.Fatal(err)
		}
	}
	c.waitMetaLeader()
	return c
}

// RunChildIfAsked runs a JetStream node and never returns when this test
// binary was started by StartChild; otherwise it returns at once. Call it
// first in TestMain.
func RunChildIfAsked() {
	file := os.Getenv(childEnv)
	if file == "" {
		return
	}
	opts, err := server.ProcessConfigFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "clustertest child:", err)
		os.Exit(2)
	}
	opts.NoLog = true
	srv, err := server.NewServer(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "clustertest child:", err)
		os.Exit(2)
	}
	srv.Start()
	srv.WaitForShutdown()
	os.Exit(0)
}

// waitMetaLeader waits until some in-process node sees a JetStream meta
// leader (a child process counts through its peers).
func (c *Cluster) waitMetaLeader() {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, n := range c.Nodes {
			if n.srv != nil && n.srv.JetStreamIsCurrent() && (len(c.Nodes) == 1 || n.srv.JetStreamIsClustered()) {
				if len(c.Nodes) == 1 || metaLeaderKnown(n.srv) {
					return
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatal("clustertest: no JetStream meta leader in 20s")
}

func metaLeaderKnown(s *server.Server) bool {
	info, err := s.Jsz(&server.JSzOptions{})
	return err == nil && info.Meta != nil && info.Meta.Leader != ""
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("clustertest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(port int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			return conn.Close()
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("port %d not open in %v", port, within)
}
