package authn

import (
	"errors"
	"fmt"
)

// Reason is a short, low-cardinality label naming why a credential was
// rejected. It is safe to use as a metric label and in logs.
type Reason string

// Rejection reasons.
const (
	ReasonMissing        Reason = "missing"          // no credential was presented
	ReasonMultiple       Reason = "multiple_tokens"  // two different credentials in one request
	ReasonTooLarge       Reason = "too_large"        // token longer than the configured maximum
	ReasonMalformed      Reason = "malformed"        // not three base64url segments of JSON
	ReasonAlgorithm      Reason = "algorithm"        // alg unknown, none, or not allowed for the key
	ReasonUnknownIssuer  Reason = "unknown_issuer"   // iss missing or not configured
	ReasonUnknownKey     Reason = "unknown_key"      // no key of the issuer matches kid and alg
	ReasonNoKeys         Reason = "no_keys"          // the issuer's remote keys are not available yet
	ReasonSignature      Reason = "signature"        // signature does not verify
	ReasonExpired        Reason = "expired"          // exp (plus leeway) is in the past
	ReasonMissingExp     Reason = "missing_exp"      // exp is required but absent
	ReasonNotYetValid    Reason = "not_yet_valid"    // nbf (minus leeway) is in the future
	ReasonIssuedInFuture Reason = "issued_in_future" // iat (minus leeway) is in the future
	ReasonLifetime       Reason = "lifetime"         // exp - iat (or exp - now) exceeds the maximum
	ReasonAudience       Reason = "audience"         // aud does not contain a configured audience
	ReasonType           Reason = "type"             // typ header does not match
	ReasonCrit           Reason = "crit"             // crit header names an extension we do not understand
	ReasonClaims         Reason = "claims"           // a claim has the wrong type or the subject is missing
	ReasonInvalidAPIKey  Reason = "invalid_api_key"  // API key does not match any configured hash
)

// Error describes a rejected credential. Its message never contains the
// credential itself, so it can be logged.
type Error struct {
	Reason  Reason
	Issuer  string // unverified iss, if it was readable
	KeyID   string // kid header, if it was readable (truncated)
	Subject string // unverified subject, if it was readable (truncated)
	Err     error  // underlying cause, never containing the token
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("credential rejected (%s): %v", e.Reason, e.Err)
	}
	return fmt.Sprintf("credential rejected (%s)", e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// ReasonOf returns the rejection reason of err, or ReasonMalformed for an
// error that does not carry one.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ReasonMalformed
}

func reject(r Reason, format string, args ...any) *Error {
	if format == "" {
		return &Error{Reason: r}
	}
	return &Error{Reason: r, Err: fmt.Errorf(format, args...)}
}

// truncate bounds attacker-controlled strings before they reach logs.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
