package contract

import (
	"path/filepath"
	"strings"
	"testing"
)

// invalidExamples are the documents of @readme/oas-examples that are not
// valid OpenAPI, with what the load must say about them.
var invalidExamples = map[string]string{
	// Uses a security scheme its components do not define.
	"testdata/oas-examples/3.0/response-http-behavior.yaml": `#/paths/~1cache/get/security/0: security scheme "api_key" is not defined`,
}

// TestOASExamples loads every real-world document of @readme/oas-examples
// (3.0 and 3.1): the valid ones must compile, the invalid ones fail with a
// message.
func TestOASExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/oas-examples/3.*/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			c, err := LoadFile(f, Options{})
			if want, bad := invalidExamples[filepath.ToSlash(f)]; bad {
				if err == nil {
					t.Fatalf("invalid document loaded")
				}
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v, want it to say %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Operations == 0 && filepath.Base(f) != "webhooks.yaml" {
				t.Errorf("no operations compiled")
			}
		})
	}
}
