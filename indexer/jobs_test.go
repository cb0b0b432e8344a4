package indexer

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestJobsOneAtATime(t *testing.T) {
	js := NewJobs(context.Background())
	release := make(chan struct{})
	j1, err := js.Start("reindex", func(ctx context.Context, progress func(int, int64)) (Changes, error) {
		progress(5, 50)
		<-release
		return Changes{Added: 5, Documents: 5}, nil
	})
	if err != nil || j1.State != JobRunning {
		t.Fatalf("Start = %+v, %v", j1, err)
	}
	if _, err := js.Start("reindex", nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Start = %v, want ErrBusy", err)
	}
	time.Sleep(10 * time.Millisecond)
	if got, _ := js.Get(j1.ID); got.Documents != 5 || got.Bytes != 50 {
		t.Errorf("progress = %+v", got)
	}
	close(release)
	done, err := js.Wait(context.Background(), j1.ID)
	if err != nil || done.State != JobDone || done.Changes.Added != 5 || done.Finished.IsZero() {
		t.Fatalf("finished job = %+v, %v", done, err)
	}
	j2, err := js.Start("reanalyze", func(ctx context.Context, _ func(int, int64)) (Changes, error) {
		return Changes{}, errors.New("boom")
	})
	if err != nil {
		t.Fatal(err)
	}
	if failed, _ := js.Wait(context.Background(), j2.ID); failed.State != JobFailed || failed.Error != "boom" {
		t.Errorf("failed job = %+v", failed)
	}
	if _, ok := js.Get("job-nope"); ok {
		t.Error("Get of an unknown id succeeded")
	}
}
