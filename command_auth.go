package gatehouse

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gatehouse-dev/caddy-gatehouse/authz/authn"
)

// tokenCommand mints a signed JWT for demos and tests:
//
//	caddy gatehouse token --secret base64:<text> --sub alice --iss https://issuer --aud api --roles admin,dev --ttl 15m
//	caddy gatehouse token --key private.pem --kid k1 --sub alice --iss https://issuer
//	caddy gatehouse token --key private.pem --kid k1 --jwks   # print the public JWK Set instead
func tokenCommand() *cobra.Command {
	var (
		secret, keyFile, alg, sub, iss, scope, kid string
		aud, roles, extra                          []string
		ttl                                        time.Duration
		printJWKS                                  bool
	)
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Mint a signed JWT (HMAC secret or private key) for testing api_auth",
		Long: `Mints a JWT signed with an HMAC secret (--secret, or the
GATEHOUSE_SECRET environment variable) or a PEM private key (--key: RSA,
ECDSA P-256/384/521 or Ed25519). The algorithm defaults to the key's:
HS256, RS256, ES256/384/512 or EdDSA. With --jwks it prints the public JWK
Set of --key instead, to serve as a demo JWKS endpoint.

The secret takes the same form as api_auth's secret option: raw:<string>
(the bytes of the string), base64:<text> or base64url:<text>. An unprefixed
secret that is valid base64 is refused as ambiguous; one that is not is
used as raw bytes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if secret == "" {
				secret = os.Getenv("GATEHOUSE_SECRET")
			}
			key, defaultAlg, err := authMintingKey(secret, keyFile)
			if err != nil {
				return err
			}
			if alg == "" {
				alg = defaultAlg
			}
			if printJWKS {
				return authPrintJWKS(cmd.OutOrStdout(), key, kid, alg)
			}
			claims, err := authTokenClaims(sub, iss, scope, aud, roles, extra, ttl)
			if err != nil {
				return err
			}
			tok, err := authn.Mint(alg, key, kid, claims)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), tok)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&secret, "secret", "", "HMAC secret as raw:<string>, base64:<text> or base64url:<text>, at least 32 bytes (default $GATEHOUSE_SECRET)")
	f.StringVar(&keyFile, "key", "", "PEM private key file (RSA, ECDSA or Ed25519)")
	f.StringVar(&alg, "alg", "", "signing algorithm (default: from the key)")
	f.StringVar(&sub, "sub", "", "subject (sub)")
	f.StringVar(&iss, "iss", "", "issuer (iss)")
	f.StringSliceVar(&aud, "aud", nil, "audience (aud), repeatable")
	f.StringSliceVar(&roles, "roles", nil, "roles claim, comma-separated")
	f.StringVar(&scope, "scope", "", "space-delimited scope claim")
	f.StringArrayVar(&extra, "claim", nil, "extra claim name=value (value parsed as JSON when it is valid JSON), repeatable")
	f.DurationVar(&ttl, "ttl", time.Hour, "lifetime (exp = now + ttl)")
	f.StringVar(&kid, "kid", "", "key ID header (kid)")
	f.BoolVar(&printJWKS, "jwks", false, "print the public JWK Set of --key instead of a token")
	return cmd
}

// authMintingKey loads the signing key and its default algorithm.
func authMintingKey(secret, keyFile string) (any, string, error) {
	switch {
	case secret != "" && keyFile != "":
		return nil, "", errors.New("use either --secret or --key, not both")
	case secret != "":
		raw, err := authn.DecodeSecret(secret)
		if err != nil {
			return nil, "", err
		}
		if len(raw) < 32 {
			return nil, "", fmt.Errorf("HMAC secret of %d bytes is too short (minimum 32)", len(raw))
		}
		return raw, "HS256", nil
	case keyFile != "":
		data, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("reading key: %w", err)
		}
		signer, err := authn.ParsePrivateKeyPEM(data)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", keyFile, err)
		}
		switch k := signer.(type) {
		case *rsa.PrivateKey:
			return k, "RS256", nil
		case *ecdsa.PrivateKey:
			switch k.Curve.Params().BitSize {
			case 384:
				return k, "ES384", nil
			case 521:
				return k, "ES512", nil
			}
			return k, "ES256", nil
		case ed25519.PrivateKey:
			return k, "EdDSA", nil
		}
		return nil, "", fmt.Errorf("%s: unsupported key type %T", keyFile, signer)
	}
	return nil, "", errors.New("a signing key is required: --secret raw:<string>|base64:<text> or --key <private.pem>")
}

func authTokenClaims(sub, iss, scope string, aud, roles, extra []string, ttl time.Duration) (map[string]any, error) {
	if ttl <= 0 {
		return nil, errors.New("--ttl must be positive")
	}
	now := time.Now()
	claims := map[string]any{"iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	if sub != "" {
		claims["sub"] = sub
	}
	if iss != "" {
		claims["iss"] = iss
	}
	switch len(aud) {
	case 0:
	case 1:
		claims["aud"] = aud[0]
	default:
		claims["aud"] = aud
	}
	if len(roles) > 0 {
		claims["roles"] = roles
	}
	if scope != "" {
		claims["scope"] = scope
	}
	for _, kv := range extra {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--claim %q: want name=value", kv)
		}
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			v = value
		}
		claims[name] = v
	}
	return claims, nil
}

func authPrintJWKS(w io.Writer, key any, kid, alg string) error {
	var pub any
	switch k := key.(type) {
	case *rsa.PrivateKey:
		pub = &k.PublicKey
	case *ecdsa.PrivateKey:
		pub = &k.PublicKey
	case ed25519.PrivateKey:
		pub = k.Public()
	default:
		return errors.New("--jwks needs an asymmetric --key (an HMAC secret must never be published)")
	}
	jwk, err := authn.PublicJWK(kid, alg, pub)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"keys": []any{jwk}})
}

// hashKeyCommand prints the stored form of an API key:
//
//	caddy gatehouse hash-key <key>
//	echo -n <key> | caddy gatehouse hash-key
//	caddy gatehouse hash-key --generate
func hashKeyCommand() *cobra.Command {
	var generate bool
	cmd := &cobra.Command{
		Use:   "hash-key [<key>]",
		Short: "Print the stored hash of an API key (or generate a new key)",
		Long: `Prints "sha256:" followed by the lowercase hex SHA-256 of the key: the
form api_auth stores (api_key <hash> <id>). The key comes from the argument
or, without one, from the first line of standard input (a trailing newline
is not part of the key). With --generate, a new random key (256 bits) is
printed with its hash; give the key to the client and keep only the hash.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if generate {
				if len(args) > 0 {
					return errors.New("--generate takes no key argument")
				}
				key, err := authn.GenerateAPIKey()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "key:  %s\nhash: %s\n", key, authn.HashAPIKey(key))
				return err
			}
			var key string
			if len(args) == 1 {
				key = args[0]
			} else {
				line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 64<<10)).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return fmt.Errorf("reading key from stdin: %w", err)
				}
				key = strings.TrimRight(line, "\r\n")
			}
			if key == "" {
				return errors.New("empty key: pass it as an argument, on stdin, or use --generate")
			}
			_, err := fmt.Fprintln(out, authn.HashAPIKey(key))
			return err
		},
	}
	cmd.Flags().BoolVar(&generate, "generate", false, "generate a new random key and print it with its hash")
	return cmd
}
