package room

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
)

// NewCode returns a fresh room code: eight letters and digits that cannot be
// mistaken for one another (no 0/o, 1/l/i), as "xxxx-xxxx". About 40 bits:
// with the per-address connection limit and six tries per connection, far
// beyond guessing during a workshop.
func NewCode() string {
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// normCode is a code as compared: lower case, without spaces and dashes.
func normCode(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// codeMatches compares an answer with the room code in constant time.
func (r *Room) codeMatches(answer string) bool {
	a, b := normCode(answer), normCode(r.cfg.Code)
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ctxKey are the values the room keeps in a connection's context.
type ctxKey int

const (
	nameKey     ctxKey = iota // the name given at the room code
	preAuthKey                // the gossh.ServerPreAuthConn, to send banners during auth
	sessionsKey               // session channels opened on the connection
	agentKey                  // the client asked for agent forwarding (refused)
)

// wrongCodeDelay slows down guessing: every wrong code costs this much.
const wrongCodeDelay = 500 * time.Millisecond

// codeAuth is keyboard-interactive: the room code, then the learner's name
// (the ssh user name when left blank). A name that cannot name a folder is
// asked for again.
func (r *Room) codeAuth(ctx ssh.Context, ask gossh.KeyboardInteractiveChallenge) bool {
	addr := hostOf(ctx.RemoteAddr())
	user := ctx.User()
	instruction := "A streamsim workshop room: the instructor shows the room code."
	for range 3 {
		ans, err := ask("streamsim room", instruction,
			[]string{"room code: ", "your name (enter for " + textsafe.Line(clip(user, 32)) + "): "}, []bool{true, true})
		if err != nil || len(ans) != 2 {
			return false
		}
		if !r.codeMatches(ans[0]) {
			r.refuse(addr, user, "wrong room code")
			r.banner(ctx, "streamsim: that is not this room's code; ask the instructor for it.\n")
			time.Sleep(wrongCodeDelay)
			return false
		}
		name := strings.TrimSpace(ans[1])
		if name == "" {
			name = user
		}
		if _, err := folderOf(name); err != nil {
			instruction = "That name cannot name your folder: " + err.Error() + "."
			continue
		}
		ctx.SetValue(nameKey, name)
		return true
	}
	r.refuse(addr, user, "no usable name")
	return false
}

// keyAuth lets in the keys of the learners' and the instructor's files.
func (r *Room) keyAuth(ctx ssh.Context, key ssh.PublicKey) bool {
	if r.staff.has(key) || r.keys.has(key) {
		return true
	}
	fp := gossh.FingerprintSHA256(key)
	if r.cfg.Code == "" {
		r.refuse(hostOf(ctx.RemoteAddr()), ctx.User(), "unknown key "+fp, "key", fp)
		r.banner(ctx, "streamsim: key "+fp+" is not on this room's list.\n")
	} else {
		// With a room code the learners' own keys are not on any list: it is
		// not a refusal of the person, who goes on to the code.
		r.log.Debug("key not on the lists; the room code is asked next", "addr", hostOf(ctx.RemoteAddr()), "key", fp)
	}
	return false
}

// banner sends text to the client during authentication (OpenSSH shows it).
func (r *Room) banner(ctx ssh.Context, text string) {
	if c, ok := ctx.Value(preAuthKey).(gossh.ServerPreAuthConn); ok {
		_ = c.SendAuthBanner(text)
	}
}

// instructor reports whether the session's key is one of the instructor's.
func (r *Room) instructor(s ssh.Session) bool {
	k := s.PublicKey()
	return k != nil && r.staff.has(k)
}

// identity is who a learner's session is: the name shown on the board, the
// folder their files go in, and their key's fingerprint (or "").
func (r *Room) identity(s ssh.Session) (name, folder, key string, err error) {
	if k := s.PublicKey(); k != nil && r.keys.has(k) {
		sum := sha256.Sum256(k.Marshal())
		return clipName(s.User()), "key-" + hex.EncodeToString(sum[:8]), gossh.FingerprintSHA256(k), nil
	}
	name, _ = s.Context().Value(nameKey).(string)
	if name == "" {
		return "", "", "", errors.New("no name")
	}
	folder, err = folderOf(name)
	return clipName(name), folder, "", err
}

// clipName keeps a name to 32 characters (it is escaped where drawn).
func clipName(s string) string {
	if utf8.RuneCountInString(s) <= 32 {
		return s
	}
	return string([]rune(s)[:32])
}

// folderOf is the folder a name gives: lower case letters, digits, '-' and
// '_', at most 32 of them, any other run of characters turned into one '-'. A name
// without a letter or digit gives no folder.
func folderOf(name string) (string, error) {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_':
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 32 {
			break
		}
	}
	f := strings.Trim(b.String(), "-")
	if f == "" {
		return "", errors.New("use letters or digits")
	}
	if strings.HasPrefix(f, "key-") {
		f = "name-" + f // "key-…" are the folders of keys
	}
	return f, nil
}

// hostOf is the host part of an address (its IP), for limits and logs.
func hostOf(a net.Addr) string {
	if a == nil {
		return "unknown"
	}
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// keyFile is an authorized_keys file, read again when it changes.
type keyFile struct {
	path string

	mu    sync.Mutex
	mtime time.Time
	size  int64
	keys  [][]byte // each key's wire form
}

// maxKeyFile is the largest authorized_keys file read.
const maxKeyFile = 4 << 20

func loadKeyFile(path string) (*keyFile, error) {
	k := &keyFile{path: path}
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// reload reads the file when it changed since the last read. A file that
// became unreadable keeps the keys read before (and the error is returned).
func (k *keyFile) reload() error {
	st, err := os.Stat(k.path)
	if err != nil {
		return err
	}
	if st.ModTime().Equal(k.mtime) && st.Size() == k.size && k.keys != nil {
		return nil
	}
	data, err := safefile.Read(k.path, maxKeyFile)
	if err != nil {
		return err
	}
	keys, err := parseAuthorizedKeys(data)
	if err != nil {
		return fmt.Errorf("%s: %w", k.path, err)
	}
	k.keys, k.mtime, k.size = keys, st.ModTime(), st.Size()
	return nil
}

// parseAuthorizedKeys reads the keys of an authorized_keys file; blank lines
// and comments are skipped, a line that is not a key is an error.
func parseAuthorizedKeys(data []byte) ([][]byte, error) {
	keys := [][]byte{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		pk, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		keys = append(keys, pk.Marshal())
	}
	return keys, nil
}

// has reports whether key is in the file. A nil file has no keys.
func (k *keyFile) has(key ssh.PublicKey) bool {
	if k == nil || key == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	_ = k.reload() // on error, the keys read before
	w := key.Marshal()
	for _, have := range k.keys {
		if subtle.ConstantTimeCompare(have, w) == 1 {
			return true
		}
	}
	return false
}
