package filter

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
)

// Serialized objects of the formats whose decoders build any class the
// stream names and run its code on the way (gadget chains): Java object
// streams, Python pickles, .NET BinaryFormatter and LosFormatter
// (ViewState) payloads and JSON.NET $type gadgets. Applications that
// read such a stream from a request run what it names; sending one is the
// attack, whatever its content, so a Java stream is matched by its magic
// alone. Pickles and ViewState, which applications do exchange, are matched
// only when they name a class or a function that runs a process or code.

// maxSerialScan bounds the bytes of a serialized value decoded and read.
const maxSerialScan = 16 << 10

// serializedObject reports a value that is a serialized object a decoder
// would run: the base64 or hex of a Java object stream (rO0AB…,
// aced0005…), a pickle that imports os.system, subprocess or eval, a
// .NET formatter stream with a gadget class.
func serializedObject(v string) bool {
	t := strings.TrimSpace(v)
	if len(t) < 16 {
		return false
	}
	switch {
	case strings.HasPrefix(t, "rO0AB"), hasPrefixFold(t, "aced0005"), strings.HasPrefix(t, "\xac\xed\x00\x05"):
		return true
	case strings.HasPrefix(t, "gAS"), strings.HasPrefix(t, "gAN"), strings.HasPrefix(t, "gAJ"), strings.HasPrefix(t, "gAR"), strings.HasPrefix(t, "gAU"):
		b := decodeBase64Prefix(t)
		return len(b) > 2 && b[0] == 0x80 && b[1] >= 2 && b[1] <= 5 && pickleRunsCode(b)
	case strings.HasPrefix(t, "/wE"), strings.HasPrefix(t, "AAEAAAD/////"):
		return dotNetGadget(string(decodeBase64Prefix(t)))
	case strings.HasPrefix(t, "BAh"):
		// Ruby Marshal (\x04\x08): Rails sessions hold data in it;
		// a gadget class is the attack (ActiveSupport::Deprecation's
		// DeprecatedInstanceVariableProxy, Gem::Requirement, ERB).
		return containsAny(string(decodeBase64Prefix(t)), "ActiveSupport::Deprecation", "DeprecatedInstanceVariableProxy", "Gem::Requirement", "Gem::Installer", "Gem::StubSpecification", "Gem::Source::Git", ":ERB", "Net::WriteAdapter", "ActionView::Template")
	}
	return false
}

// serializedFile: an uploaded file's content b is a serialized object:
// a Java stream (binary, or Base64 of it, not text that starts with the
// letters), a pickle that runs code (binary or Base64), a .NET stream
// with a gadget.
func serializedFile(b []byte) bool {
	if bytes.HasPrefix(b, []byte("rO0AB")) {
		for _, c := range b[:min(len(b), 64)] {
			if !isBase64Byte(c) && c != '\r' && c != '\n' {
				return false
			}
		}
		return true
	}
	return rawPickleRunsCode(b) || serializedObject(bstr(b[:min(len(b), maxSerialScan*2)]))
}

func isBase64Byte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
}

// rawPickleRunsCode: b is a binary pickle (protocol 2 to 5, as a .pkl
// file holds it) that imports a function running code.
func rawPickleRunsCode(b []byte) bool {
	return len(b) > 2 && b[0] == 0x80 && b[1] >= 2 && b[1] <= 5 && pickleRunsCode(b)
}

// decodeBase64Prefix decodes up to maxSerialScan bytes of t, standard or
// URL alphabet, padded or not; what does not decode is dropped.
func decodeBase64Prefix(t string) []byte {
	if len(t) > maxSerialScan*4/3 {
		t = t[:maxSerialScan*4/3]
	}
	t = strings.TrimRight(t, "=")
	t = t[:len(t)/4*4]
	for _, enc := range [...]*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		if b, err := enc.DecodeString(t); err == nil {
			return b
		}
	}
	return nil
}

// pickleRunsCode: a pickle whose GLOBAL or STACK_GLOBAL imports a
// callable that runs a process or code.
func pickleRunsCode(b []byte) bool {
	s := string(b)
	module := strings.Contains(s, "posix") || strings.Contains(s, "nt\n") || strings.Contains(s, "\x02nt") || strings.Contains(s, "os\n") || strings.Contains(s, "\x02os") || strings.Contains(s, "subprocess") || strings.Contains(s, "builtins") || strings.Contains(s, "__builtin__") || strings.Contains(s, "commands")
	return module && containsAny(s, "system", "popen", "Popen", "exec", "eval", "check_output", "getoutput", "call", "run")
}

// dotNetGadgets are the classes of the published BinaryFormatter,
// LosFormatter and JSON.NET gadget chains.
var dotNetGadgets = []string{"TextFormattingRunProperties", "ObjectDataProvider", "TypeConfuseDelegate", "ActivitySurrogateSelector", "System.Diagnostics.Process", "AssemblyInstaller", "WindowsIdentity", "ClaimsIdentity", "SessionSecurityToken", "PSObject", "RolePrincipal", "ResourceSet", "System.Windows.Forms.AxHost", "XamlReader", "ExpandedWrapper", "DataSet", "ToolboxItemContainer", "System.Management.Automation"}

// dotNetGadget: s names a gadget class.
func dotNetGadget(s string) bool {
	return containsAny(s, dotNetGadgets...)
}

// jsonNETGadget: the value of a JSON.NET "$type" member names a gadget
// class ("System.Windows.Data.ObjectDataProvider, PresentationFramework"),
// or Ruby's "json_class" one of RubyGems' (Gem::Installer,
// Gem::Requirement: the JSON.load chain).
func jsonNETGadget(name, v string) bool {
	switch {
	case name == "$type" || strings.HasSuffix(name, ".$type") || name == "__type" || strings.HasSuffix(name, ".__type"):
		// __type: ASP.NET AJAX's JavaScriptSerializer with a type
		// resolver, the same gadgets.
		return dotNetGadget(v)
	case strings.HasPrefix(name, "py/") || strings.Contains(name, ".py/"):
		// jsonpickle: {"py/reduce": [{"py/function": "os.system"}, …]}.
		return pickleCallable(v)
	case name == "json_class" || strings.HasSuffix(name, ".json_class"):
		return strings.HasPrefix(v, "Gem::") || strings.HasPrefix(v, "ERB") || strings.HasPrefix(v, "Net::")
	}
	return false
}

// pickleCallable: a module.function that runs code when a pickle (or
// jsonpickle) reduces it.
func pickleCallable(v string) bool {
	switch strings.TrimSpace(v) {
	case "os.system", "os.popen", "os.execv", "os.execve", "os.spawnv", "posix.system", "nt.system", "subprocess.Popen", "subprocess.call", "subprocess.check_output", "subprocess.run",
		"builtins.eval", "builtins.exec", "__builtin__.eval", "__builtin__.exec", "builtins.__import__", "pty.spawn", "commands.getoutput":
		return true
	}
	return false
}

// yamlGadget: a YAML document with a tag that makes its loader build a
// class: SnakeYAML's !!javax.script.ScriptEngineManager, PyYAML's
// !!python/object, Ruby's !ruby/object:Gem::Installer.
func yamlGadget(lc string) bool {
	return strings.Contains(lc, "!!javax.") || strings.Contains(lc, "!!java.") || strings.Contains(lc, "!!python/") || strings.Contains(lc, "!ruby/object:") || strings.Contains(lc, "!ruby/hash:") ||
		// The verbose form of the same tags: !<tag:yaml.org,2002:python/object/apply:os.system>.
		strings.Contains(lc, "!<tag:yaml.org,2002:") && (strings.Contains(lc, ":python/") || strings.Contains(lc, ":javax.") || strings.Contains(lc, ":java.") || strings.Contains(lc, ":ruby/"))
}

// rePickleText: a protocol-0 pickle (text) that imports a function
// running code (cposix\nsystem\n, cos\nsystem\n, c__builtin__\neval\n).
var rePickleText = regexp.MustCompile(`(?:^|\n)c(?:posix|os|nt|subprocess|__builtin__|builtins|commands|pty)\n(?:system|popen|eval|exec|execv|getoutput|check_output|call|Popen|run|spawn)\n`)
