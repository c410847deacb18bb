package redact_test

import (
	"fmt"
	"os"

	"github.com/gatehouse-dev/caddy-gatehouse/redact"
)

func Example() {
	r, err := redact.New(redact.Config{
		IPAddresses: true,
		Style:       &redact.Style{Kind: redact.StyleLabel},
		Styles: map[string]redact.Style{
			redact.DetCreditCard: {Kind: redact.StyleMask, KeepFirst: 6, KeepLast: 4},
		},
		Fields: []redact.FieldRule{{Path: "password", Style: &redact.Style{Kind: redact.StyleRemove}}},
	})
	if err != nil {
		panic(err)
	}
	s := r.NewStream(os.Stdout, redact.KindJSON)
	s.Write([]byte(`{"user":"jane@example.com","card":"4111 1111 1111 1111",`))
	s.Write([]byte(`"password":"x","note":"call +44 20 7946 0958"}`))
	s.Close()
	fmt.Println()
	fmt.Println(s.Findings().Types)
	// Output:
	// {"user":"[EMAIL]","card":"4111 11** **** 1111","note":"call [PHONE]"}
	// map[credit_card:1 email:1 field:1 phone:1]
}
