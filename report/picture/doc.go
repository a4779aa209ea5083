// Package picture draws blast's dependency pictures, in mermaid and in
// Graphviz DOT, from a neutral model: nodes with a label, a role in the
// blast radius and the module instances they are in, the edges between
// them, notes and comments. Both languages draw by one convention (an arrow
// goes the way the damage spreads), cluster nodes by module instance, colour
// them by role with a legend, and escape every label for their language.
// Fit keeps a mermaid picture within the limits GitHub renders. The package
// knows nothing of plans or reports: package report builds the model from a
// Report, for blast graph and for the markdown report's picture.
package picture
