package redact

import "testing"

func TestIBANSpellings(t *testing.T) {
	runRecallTable(t, Config{}, ibanCases)
}

// TestIBANSpellingsIP: with IPv6 on, hex letters trigger and the scan
// reaches an IBAN by another path.
func TestIBANSpellingsIP(t *testing.T) {
	var cases []recallCase
	for _, tc := range ibanCases {
		if tc.name != "ip" && tc.name != "version" { // IPv4-shaped: masked as IPs here
			cases = append(cases, tc)
		}
	}
	runRecallTable(t, Config{IPAddresses: true}, cases)
}

var ibanCases = []recallCase{
	{"lowercase compact", "iban de89370400440532013000 ok", DetIBAN},
	{"lowercase grouped", "de89 3704 0044 0532 0130 00", DetIBAN},
	{"lowercase gb letters", "gb82 west 1234 5698 7654 32", DetIBAN},
	{"mixed case", "Gb82West12345698765432", DetIBAN},
	{"mixed case second letter", "dE89 3704 0044 0532 0130 00", DetIBAN},
	{"space after country", "RS 35 2600 0560 1001 6113 79", DetIBAN},
	{"space after country lower", "rs 35 2600 0560 1001 6113 79", DetIBAN},
	{"space after country mixed", "Rs 35 2600 0560 1001 6113 79", DetIBAN},
	{"dashes", "DE89-3704-0044-0532-0130-00", DetIBAN},
	{"dots", "DE89.3704.0044.0532.0130.00", DetIBAN},
	{"irregular grouping", "DE 89370 400 4405 320130 00", DetIBAN},
	{"compact after space", "DE89 370400440532013000", DetIBAN},
	{"double spaces", "NL91  ABNA  0417  1643  00", DetIBAN},
	{"honduras", "HN88 CABF 0000 0000 0002 5000 5469", DetIBAN},
	{"congo", "CG39 3001 1000 1010 1345 1300 019", DetIBAN},
	{"algeria", "DZ580002100001113000000570", DetIBAN},
	{"morocco lower", "ma64 0115 1900 0001 2050 0053 4921", DetIBAN},
	{"benin", "BJ66BJ0610100100144390000769", DetIBAN},
	{"france letter in bban", "fr14 2004 1010 0505 0001 3m02 606", DetIBAN},
	// Near-misses.
	{"perturbed lower", "de89 3704 0044 0532 0130 01", ""},
	{"wrong length lower", "de89370400440532013000123", ""},
	{"unknown country lower", "zz89370400440532013000", ""},
	{"prose with code and number", "no 12 words and more text here, de 45 items are in stock now", ""},
	{"order number", "order DE-2024-0001-5678 shipped", ""},
	{"timestamp", "at 2024-01-15T10:30:00Z", ""},
	{"version", "es 1.2.3.4 build", ""},
	{"street address", "it is at de 12 Main St, Suite 680", ""},
	{"price", "it 12.99 or 1.299,00", ""},
	{"ip", "at 10.20.30.40", ""},
	{"glued", "xde89370400440532013000", ""},
	{"belgium lower", "be68 5390 0754 7034", DetIBAN},
}
