package redact

import "testing"

func TestSSNStreetAddress(t *testing.T) {
	runRecallTable(t, Config{}, []recallCase{
		{"suite", "Suite 680 36 4022", ""},
		{"ste dot", "Ste. 680 36 4022", ""},
		{"apt hash", "Apt # 123 45 6789", ""},
		{"ssn spaced", "ssn 536 22 1234", DetSSN},
		{"ssn dashed after suite", "Suite 680-36-4022", DetSSN},
		{"ssn after word", "number 536 22 1234", DetSSN},
	})
}
