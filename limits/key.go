package limits

import (
	"net/netip"
)

// AppendClientIP appends the key form of a client address to dst: the
// address masked to v4Bits (IPv4) or v6Bits (IPv6) prefix bits, so that
// one IPv6 subscriber (who usually holds a whole /64) is one key, not 2^64.
// IPv4-mapped IPv6 addresses count as IPv4; zones are dropped. An address
// that does not parse is appended as "invalid:" plus at most 64 bytes of
// it, so a broken value still has a bounded key of its own.
func AppendClientIP(dst []byte, ip string, v4Bits, v6Bits int) []byte {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		dst = append(dst, "invalid:"...)
		if len(ip) > 64 {
			ip = ip[:64]
		}
		return append(dst, ip...)
	}
	a = a.Unmap().WithZone("")
	bits := v6Bits
	if a.Is4() {
		bits = v4Bits
	}
	if bits > 0 && bits < a.BitLen() {
		if p, err := a.Prefix(bits); err == nil {
			dst = p.Addr().AppendTo(dst)
			dst = append(dst, '/')
			return appendInt(dst, int64(bits))
		}
	}
	return a.AppendTo(dst)
}

// appendInt appends a non-negative decimal without strconv's allocation
// checks getting in the way of the 0-alloc path.
func appendInt(dst []byte, n int64) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, b[i:]...)
}

// AppendKeyPart appends one component of a composite key: its length, a
// colon and its bytes, so that ("a:b","c") and ("a","b:c") never collide.
// Values longer than maxPart bytes are cut (an attacker-chosen header must
// not make keys of unbounded size).
func AppendKeyPart(dst []byte, v string) []byte {
	if len(v) > maxPart {
		v = v[:maxPart]
	}
	dst = appendInt(dst, int64(len(v)))
	dst = append(dst, ':')
	return append(dst, v...)
}

// maxPart bounds one key component.
const maxPart = 256
