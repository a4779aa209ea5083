// Package aiassisted tells whether a change was made with a coding
// assistant, by an agent's account or by a bot, from its commits: trailers
// that credit an assistant (Co-authored-by: Claude ...), footers and subject
// prefixes that assistants write, and author and committer identities of
// agents and bots. Text is compared after Normalize, which undoes the
// look-alike letters, zero-width characters and case that would otherwise
// hide a marker. A policy (ai_assisted: in .blast.yml) adds its own trailers
// and markers; a change found AI-assisted faces the policy's stricter
// threshold.
package aiassisted
