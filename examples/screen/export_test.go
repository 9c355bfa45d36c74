package screen

import "time"

// SessionIdle is how long a session lasts without a request.
const SessionIdle = sessionIdle

// MaxSessions is the number of sessions kept.
const MaxSessions = maxSessions

// SetSessionClock replaces the clock of h's sessions. Call it before the
// first request.
func SetSessionClock(h *Handler, now func() time.Time) {
	h.sessions.mu.Lock()
	defer h.sessions.mu.Unlock()
	h.sessions.now = now
}
