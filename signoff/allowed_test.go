package signoff

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func testKey(t testing.TB) (ssh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}

func TestParseAllowedSigners(t *testing.T) {
	_, k := testKey(t)
	text := "# a comment\n" +
		"   \n" +
		"alice@example.com " + k + " laptop key\r\n" +
		`"bob@example.com,bob smith" namespaces="git,blast-signoff",valid-after="20240101",valid-before="20300101123000Z" ` + k + "\n" +
		"\t*@ops.example,!intern@ops.example CERT-AUTHORITY " + k + "\n" +
		`carol@example.com namespaces="a\"b" ` + k
	a, err := ParseAllowedSigners("as", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.entries) != 4 {
		t.Fatalf("%d entries", len(a.entries))
	}
	e := a.entries
	if e[0].principals != "alice@example.com" || e[0].line != 3 || e[0].namespaces != nil || e[0].certAuthority {
		t.Errorf("line 3: %+v", e[0])
	}
	if e[1].principals != "bob@example.com,bob smith" || *e[1].namespaces != "git,blast-signoff" {
		t.Errorf("line 4: %+v", e[1])
	}
	if want := time.Date(2024, 1, 1, 0, 0, 0, 0, time.Local); !e[1].validAfter.Equal(want) {
		t.Errorf("valid-after %v, want %v (local time)", e[1].validAfter, want)
	}
	if want := time.Date(2030, 1, 1, 12, 30, 0, 0, time.UTC); !e[1].validBefore.Equal(want) {
		t.Errorf("valid-before %v, want %v", e[1].validBefore, want)
	}
	if !e[2].certAuthority || e[2].principals != "*@ops.example,!intern@ops.example" {
		t.Errorf("line 5: %+v", e[2])
	}
	if *e[3].namespaces != `a"b` {
		t.Errorf("line 6: namespaces %q", *e[3].namespaces)
	}
	want := []string{"*@ops.example,!intern@ops.example", "alice@example.com", "bob@example.com,bob smith", "carol@example.com"}
	if got := a.Principals(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("principals %q", got)
	}
	if !e[1].allows(Namespace) || e[1].allows("file") || !e[0].allows("anything") {
		t.Error("namespaces")
	}
}

func TestParseAllowedSignersErrors(t *testing.T) {
	_, k := testKey(t)
	typ, b64, _ := strings.Cut(k, " ")
	cases := map[string]string{
		"alice@example.com":                                                     "no key after the principals",
		"alice@example.com " + typ:                                              "no key data after ssh-ed25519",
		"alice@example.com ssh-ed25519 !!!":                                     "bad base64",
		"alice@example.com ssh-ed25519 AAAA":                                    "bad ssh-ed25519 key",
		"alice@example.com ssh-rsa " + b64:                                      `key type "ssh-rsa" does not match its data (ssh-ed25519)`,
		"alice@example.com ssh-dss AAAA":                                        `unsupported key type "ssh-dss"`,
		"alice@example.com frobnicate " + k:                                     `unsupported key type "frobnicate"`,
		"alice@example.com frobnicate":                                          `"frobnicate" is neither a key type nor an option`,
		`alice@example.com verify-required,cert-authority ` + k:                 `unsupported option "verify-required"`,
		`alice@example.com namespaces=git ` + k:                                 `option namespaces: want ="value"`,
		`alice@example.com namespaces="git ` + k:                                "no closing quote",
		`alice@example.com valid-after="2024" ` + k:                             `bad time "2024"`,
		`alice@example.com valid-after="20241301" ` + k:                         `bad time "20241301": month out of range`,
		`alice@example.com valid-after="2024010x" ` + k:                         `bad time "2024010x"`,
		`alice@example.com valid-before="20200101",valid-after="20210101" ` + k: "valid-before is not after valid-after",
		`alice@example.com cert-authority,cert-authority ` + k:                  "option cert-authority given twice",
		`alice@example.com cert-authority;namespaces="x" ` + k:                  `unsupported option "cert-authority;namespaces"`,
		`alice@example.com cert-authority,` + " " + k:                           "empty option",
		`alice@example.com cert-authority`:                                      "no key after the options",
		`"alice@example.com ` + k:                                               "principals: no closing quote",
		`"" ` + k:                                                               "empty principals",
		`alice,,bob ` + k:                                                       `empty principal in "alice,,bob"`,
		`alice,! ` + k:                                                          `empty principal in "alice,!"`,
	}
	for line, want := range cases {
		_, err := ParseAllowedSigners("team/allowed_signers", []byte("# header\n"+line+"\n"))
		if err == nil {
			t.Errorf("%q: no error", line)
			continue
		}
		if got := err.Error(); !strings.HasPrefix(got, "team/allowed_signers:2: ") || !strings.Contains(got, want) {
			t.Errorf("%q:\n got %s\nwant team/allowed_signers:2: ...%s", line, got, want)
		}
	}
	big := make([]byte, MaxAllowedSignersBytes+1)
	if _, err := ParseAllowedSigners("big", big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("too large: %v", err)
	}
	if _, err := ReadAllowedSigners(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
}

func TestMatchList(t *testing.T) {
	cases := []struct {
		s, list string
		fold    bool
		want    bool
	}{
		{"alice@example.com", "alice@example.com", false, true},
		{"alice@example.com", "bob@example.com,alice@example.com", false, true},
		{"Alice@Example.com", "alice@example.com", false, false},
		{"Alice@Example.com", "alice@example.com", true, true},
		{"alice@example.com", "*@example.com", false, true},
		{"alice@example.org", "*@example.com", false, false},
		{"intern@example.com", "*@example.com,!intern@example.com", false, false},
		{"intern@example.com", "!intern@example.com", false, false},
		{"bob@example.com", "!intern@example.com", false, false}, // a negation alone matches nothing
		{"a", "?", false, true},
		{"ab", "?", false, false},
		{"", "*", false, true},
		{"", "", false, true},
		{"x", "", false, false},
		{"aXbXc", "a*b*c", false, true},
		{"a*b", "a*b", false, true},
		{"ab", "a**b", false, true},
		{"abc", "a*bd", false, false},
		{strings.Repeat("a", 5000) + "b", strings.Repeat("*a", 50) + "*c", false, false},
	}
	for _, c := range cases {
		if got := matchList(c.s, c.list, c.fold); got != c.want {
			t.Errorf("matchList(%q, %q, %v) = %v", c.s, c.list, c.fold, got)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"20240229":        time.Date(2024, 2, 29, 0, 0, 0, 0, time.Local),
		"202402291530":    time.Date(2024, 2, 29, 15, 30, 0, 0, time.Local),
		"20240229153059Z": time.Date(2024, 2, 29, 15, 30, 59, 0, time.UTC),
		"20240229z":       time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Z", "20230229", "2024022", "2024022915", "+2024022", "20240229 ", "20240229153060"} {
		if _, err := parseTime(in); err == nil {
			t.Errorf("parseTime(%q): no error", in)
		}
	}
}
