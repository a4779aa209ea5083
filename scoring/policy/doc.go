// Package policy reads and checks a team's policy file, .blast.yml: the
// threshold at which a plan needs sign-off, weight and class overrides on
// top of the resource catalog, critical addresses, ignore rules with reasons
// and expiry dates, who must sign off and how many, the stricter gate for
// AI-assisted changes, environments chosen by a plan's path, and people (a
// person's principals and git identities). Parsing is strict: every problem
// is an Error naming the file and line and what was expected. The address
// and path globs the policy uses (AddressGlob, PathGlob) are here too. It
// knows nothing of scoring: Parse and Load take the ids of the finding rules
// an ignore rule may name.
package policy
