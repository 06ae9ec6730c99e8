package evidence

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// KeyEnv names the environment variable that may hold the signing key (PEM), for CI
// secrets that are not files.
const KeyEnv = "DRILL_EVIDENCE_KEY"

// GenerateKey writes a new ed25519 key pair: the private key at prefix+".key"
// (PKCS #8 PEM, mode 0600) and the public key at prefix+".pub" (PKIX PEM). It refuses
// to overwrite a key.
func GenerateKey(prefix string) (private, public string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	private, public = prefix+".key", prefix+".pub"
	for _, f := range []struct {
		path, kind string
		der        []byte
		mode       os.FileMode
	}{{private, "PRIVATE KEY", privDER, 0o600}, {public, "PUBLIC KEY", pubDER, 0o644}} {
		out, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
		if err != nil {
			return "", "", fmt.Errorf("write key: %w", err)
		}
		err = errors.Join(pem.Encode(out, &pem.Block{Type: f.kind, Bytes: f.der}), out.Close())
		if err != nil {
			return "", "", fmt.Errorf("write key: %w", err)
		}
	}
	return private, public, nil
}

// ReadPrivateKey reads an ed25519 private key from a PEM file, or from $DRILL_EVIDENCE_KEY
// when path is empty.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := keyBytes(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("read private key: not a PEM private key (drill keygen writes one)")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("read private key: not an ed25519 key")
	}
	return priv, nil
}

// ReadPublicKey reads an ed25519 public key from a PEM file.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read public key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("read public key %s: not a PEM public key (drill keygen writes one)", path)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read public key %s: %w", path, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("read public key %s: not an ed25519 key", path)
	}
	return pub, nil
}

func keyBytes(path string) ([]byte, error) {
	if path == "" {
		if v := os.Getenv(KeyEnv); v != "" {
			return []byte(v), nil
		}
		return nil, fmt.Errorf("read private key: give --key FILE or set %s", KeyEnv)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	return b, nil
}

// edKey is an ed25519 key as DSSE signs and verifies with it; priv is nil for a
// verifying key.
type edKey struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

var _ dsse.SignerVerifier = edKey{}

func (k edKey) Sign(_ context.Context, data []byte) ([]byte, error) {
	if k.priv == nil {
		return nil, errors.New("sign: no private key")
	}
	return ed25519.Sign(k.priv, data), nil
}

func (k edKey) Verify(_ context.Context, data, sig []byte) error {
	if !ed25519.Verify(k.pub, data, sig) {
		return errors.New("verify signature: ed25519 signature does not match")
	}
	return nil
}

func (k edKey) KeyID() (string, error) { return dsse.SHA256KeyID(k.pub) }

func (k edKey) Public() crypto.PublicKey { return k.pub }
