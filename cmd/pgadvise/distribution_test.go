package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readRepoFile reads a file at the repository's root.
func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// analyzeCommandFlags returns the flags of every line of text (shell, with
// backslash continuations) that runs `pgadvise analyze`, in order.
func analyzeCommandFlags(text string) [][]string {
	text = strings.ReplaceAll(text, "\\\n", " ")
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "pgadvise analyze ")
		if !ok { // a command, not prose that names one
			continue
		}
		var flags []string
		for _, m := range regexp.MustCompile(`(?:^|[\s(+])--([a-z][a-z-]*)`).FindAllStringSubmatch(cmd, -1) {
			flags = append(flags, m[1])
		}
		out = append(out, flags)
	}
	return out
}

// TestActionMatchesCLI: the GitHub Action (action.yml) runs the README's CI
// recipe with flags that exist, declares every input it uses, needs exactly
// two, and passes the recipe's flags (so that the two cannot drift apart).
func TestActionMatchesCLI(t *testing.T) {
	action := readRepoFile(t, "action.yml")
	_, help, _ := runCLI(t, "", "analyze", "--help")
	known := map[string]bool{}
	for _, f := range helpFlags(help) {
		known[f] = true
	}
	commands := analyzeCommandFlags(action)
	if len(commands) != 2 {
		t.Fatalf("action.yml runs pgadvise analyze %d times, want 2 (the Markdown report and the JSON one)", len(commands))
	}
	used := map[string]bool{}
	for _, flags := range commands {
		for _, f := range flags {
			used[f] = true
			if !known[f] {
				t.Errorf("action.yml passes --%s, which pgadvise analyze does not have", f)
			}
		}
	}
	readme := readRepoFile(t, "README.md")
	start := strings.Index(readme, "The same by hand (")
	end := strings.Index(readme, "GitLab CI (")
	if start < 0 || end < start {
		t.Fatal("README: no GitHub Actions recipe")
	}
	recipe := analyzeCommandFlags(readme[start:end])
	if len(recipe) == 0 {
		t.Fatal("README's GitHub Actions recipe runs no pgadvise analyze")
	}
	for _, flags := range recipe {
		for _, f := range flags {
			if !used[f] {
				t.Errorf("the README's recipe passes --%s, action.yml does not", f)
			}
		}
	}

	// Inputs: every ${{ inputs.x }} declared, and two required.
	inputsBlock := action[strings.Index(action, "\ninputs:\n"):strings.Index(action, "\noutputs:\n")]
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z][a-z-]*):$`).FindAllStringSubmatch(inputsBlock, -1) {
		declared[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`inputs\.([a-z][a-z-]*)`).FindAllStringSubmatch(action, -1) {
		if !declared[m[1]] {
			t.Errorf("action.yml uses inputs.%s, which it does not declare", m[1])
		}
	}
	if n := strings.Count(inputsBlock, "required: true"); n != 2 {
		t.Errorf("action.yml requires %d inputs, want 2 (log and stats)", n)
	}
	for _, want := range []string{"using: composite", "<!-- pgadvise-report -->", "./cmd/pgadvise"} {
		if !strings.Contains(action, want) {
			t.Errorf("action.yml lacks %q", want)
		}
	}
	if !strings.Contains(readRepoFile(t, "report/markdown.go"), "<!-- pgadvise-report -->") {
		t.Error("the comment marker action.yml looks for is not the one the Markdown report writes")
	}
}

// TestReleaseFilesMatchTree: the Dockerfile and the GoReleaser
// configuration build what the tree has: the command's package, its
// version variable, the Go version of go.mod, with cgo; the image is
// distroless and runs the binary it copies.
func TestReleaseFilesMatchTree(t *testing.T) {
	gomod := readRepoFile(t, "go.mod")
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod: no go directive")
	}
	if version != "" || !strings.Contains(readRepoFile(t, "cmd/pgadvise/cli.go"), "var version = ") {
		t.Error("main.version, which the builds set with -X, is gone")
	}
	if _, err := os.Stat("../../cmd/pgadvise/main.go"); err != nil {
		t.Fatal(err)
	}

	docker := readRepoFile(t, "Dockerfile")
	froms := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(docker, -1)
	if len(froms) != 2 || !strings.HasPrefix(froms[0][1], "golang:"+goVersion[1]+"-") || !strings.HasPrefix(froms[1][1], "gcr.io/distroless/") {
		t.Errorf("Dockerfile stages %v: want golang:%s-… then gcr.io/distroless/…", froms, goVersion[1])
	}
	for _, want := range []string{"CGO_ENABLED=1", "-X main.version=", "./cmd/pgadvise", "COPY --from=build /out/pgadvise /usr/local/bin/pgadvise", `ENTRYPOINT ["/usr/local/bin/pgadvise"]`, "USER nonroot"} {
		if !strings.Contains(docker, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?m)^CMD \["([a-z]+)"\]`).FindStringSubmatch(docker); m == nil {
		t.Error("Dockerfile: no CMD")
	} else if code, _, _ := runCLI(t, "", m[1]); code != exitOK {
		t.Errorf("the image's default command %q exits %d", m[1], code)
	}

	gr := readRepoFile(t, ".goreleaser.yaml")
	for _, want := range []string{"main: ./cmd/pgadvise", "goos: [linux, darwin]", "goarch: [amd64, arm64]", "CGO_ENABLED=1", "-X main.version={{ .Version }}",
		"x86_64-linux-musl", "aarch64-linux-musl", "x86_64-macos", "aarch64-macos"} {
		if !strings.Contains(gr, want) {
			t.Errorf(".goreleaser.yaml lacks %q", want)
		}
	}
}
