package screen

import (
	"crypto/rand"
	"sync"
	"time"
)

const (
	// sessionIdle is how long a session lasts without a request: past it,
	// the browser needs the token's address again.
	sessionIdle = 12 * time.Hour
	// maxSessions bounds the sessions kept: a new one past it ends the
	// one idle the longest.
	maxSessions = 100
)

// sessions are the browsers that gave the token. The session cookie holds
// a random id, which the handler knows, rather than the token itself. The
// zero value is ready to use.
type sessions struct {
	mu   sync.Mutex
	now  func() time.Time     // nil means time.Now; not Options.Now, the synchronisation's clock
	last map[string]time.Time // id -> the time of its latest request
}

func (s *sessions) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// open starts a session and returns its id.
func (s *sessions) open() string {
	id := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	if s.last == nil {
		s.last = make(map[string]time.Time)
	}
	var oldest string
	for k, t := range s.last {
		switch {
		case now.Sub(t) >= sessionIdle:
			delete(s.last, k)
		case oldest == "" || t.Before(s.last[oldest]):
			oldest = k
		}
	}
	if len(s.last) >= maxSessions {
		delete(s.last, oldest)
	}
	s.last[id] = now
	return id
}

// valid reports whether id is a session that has not lapsed, and keeps
// it alive.
func (s *sessions) valid(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.last[id]
	if !ok {
		return false
	}
	now := s.clock()
	if now.Sub(t) >= sessionIdle {
		delete(s.last, id)
		return false
	}
	s.last[id] = now
	return true
}
