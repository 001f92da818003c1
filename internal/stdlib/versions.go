package stdlib

// ModuleVersions returns the versions of the modules whose packages are
// compiled into gomx (gonum.org/v1/gonum, gonum.org/v1/plot, …), by module
// path, as the tables were generated with (docs/versions.json): a module
// imported from source that needs a newer one cannot have it.
func ModuleVersions() map[string]string {
	vs, err := docVersions()
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for path, v := range vs {
		if path != "go" {
			out[path] = v
		}
	}
	return out
}
