package sarif

// Log is a SARIF file: the schema, the version and the runs.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one run of a tool and what it found.
type Run struct {
	Tool        Tool           `json:"tool"`
	Invocations []Invocation   `json:"invocations,omitempty"`
	Artifacts   []Artifact     `json:"artifacts,omitempty"`
	Results     []Result       `json:"results"`
	Properties  map[string]any `json:"properties,omitempty"`
}

// Invocation says whether the run succeeded, and what the tool
// had to say about it.
type Invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications"`
}

// Notification is a message of the tool about its run.
type Notification struct {
	Level   string  `json:"level"`
	Message Message `json:"message"`
}

// Tool names the tool that ran.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool itself and the rules it can report.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri"`
	Rules          []Rule `json:"rules"`
}

// Rule is one kind of result, with its description and help.
type Rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     Message        `json:"shortDescription"`
	FullDescription      Message        `json:"fullDescription"`
	HelpURI              string         `json:"helpUri"`
	Help                 Message        `json:"help"`
	DefaultConfiguration RuleConfig     `json:"defaultConfiguration"`
	Properties           RuleProperties `json:"properties"`
}

// RuleConfig is a rule's level when nothing configures it.
type RuleConfig struct {
	Level string `json:"level"`
}

// RuleProperties holds a rule's tags.
type RuleProperties struct {
	Tags []string `json:"tags"`
}

// Message is a plain-text message.
type Message struct {
	Text string `json:"text"`
}

// Artifact is a file the run read.
type Artifact struct {
	Location ArtifactLocation `json:"location"`
}

// ArtifactLocation is where an artifact is: a URI, or an index into
// the run's artifacts.
type ArtifactLocation struct {
	URI   string `json:"uri"`
	Index *int   `json:"index,omitempty"`
}

// Result is one thing the tool found.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

// Location is where a result is: in a file, or in logical terms (a
// resource, a module).
type Location struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// PhysicalLocation is a line of an artifact.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           Region           `json:"region"`
}

// Region is the part of an artifact a result is in.
type Region struct {
	StartLine int `json:"startLine"`
}

// LogicalLocation names a result's place in the tool's own terms.
type LogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}
